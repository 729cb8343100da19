/** The scheduler's queue: a heap behind a sorted front of given-back entries. */

import assert from "node:assert/strict";
import { FrontHeap } from "../../../sim/engine/_front_heap.ts";

Deno.test("FrontHeap: pops in order across the front and the heap; given-back entries come first again", () => {
  const queue = new FrontHeap<number>((a, b) => a < b);
  for (const n of [50, 10, 40, 30, 20]) queue.push(n);
  const taken = [queue.pop(), queue.pop(), queue.pop()] as number[];
  assert.deepEqual(taken, [10, 20, 30]);
  queue.giveBack([30, 10]);
  queue.push(25);
  assert.equal(queue.size, 5);
  assert.equal(queue.peek(), 10);
  assert.deepEqual(Array.from({ length: 5 }, () => queue.pop()), [10, 25, 30, 40, 50]);
  assert.equal(queue.pop(), undefined);
  assert.equal(queue.size, 0);
});

Deno.test("FrontHeap: random pushes, pops and give-backs agree with a sorted list", () => {
  let seed = 7;
  const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  const queue = new FrontHeap<number>((a, b) => a < b);
  const reference: number[] = [];
  let next = 0;
  for (let round = 0; round < 2_000; round++) {
    for (let i = random(4); i > 0; i--) {
      // Unique values, as the scheduler's order (priority, then submission) is strict.
      const value = random(1_000) * 10_000 + next++;
      queue.push(value);
      reference.push(value);
    }
    reference.sort((a, b) => a - b);
    const popped: number[] = [];
    for (let i = random(6); i > 0 && reference.length > 0; i--) {
      assert.equal(queue.peek(), reference[0]);
      const value = queue.pop()!;
      assert.equal(value, reference.shift());
      popped.push(value);
      if (random(3) === 0) {
        const value = random(1_000) * 10_000 + next++; // pushed mid-pass, as a job made eligible
        queue.push(value);
        reference.push(value);
        reference.sort((a, b) => a - b);
      }
    }
    const back = popped.filter(() => random(4) !== 0).reverse();
    queue.giveBack(back);
    reference.push(...back);
    reference.sort((a, b) => a - b);
    assert.equal(queue.size, reference.length);
  }
  const rest: number[] = [];
  for (let value = queue.pop(); value !== undefined; value = queue.pop()) rest.push(value);
  assert.deepEqual(rest, reference);
});
