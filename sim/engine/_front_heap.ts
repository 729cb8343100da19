/**
 * A priority queue for entries that are taken out in order, looked at and mostly given back: a
 * {@linkcode MinHeap} behind a sorted front. What a scheduling pass pops and defers goes back to
 * the front, not into the heap, so the backfill pass that looks at the same hundred blocked jobs
 * every interval costs no heap operation on a queue of 100,000 (a heap would sift each of them
 * down and up again, O(log n) twice per job per pass).
 *
 * @module
 */

import { MinHeap } from "./_heap.ts";

/** A min-heap with a sorted front of given-back entries, ordered by one strict `less`. */
export class FrontHeap<T> {
  readonly #heap: MinHeap<T>;
  readonly #less: (a: T, b: T) => boolean;
  /** Given-back entries in order, from `#head` on; every one is ≤ what follows it. */
  #front: T[] = [];
  #head = 0;

  /** Creates an empty queue ordered by `less` (a strict total order: "comes before"). */
  constructor(less: (a: T, b: T) => boolean) {
    this.#less = less;
    this.#heap = new MinHeap(less);
  }

  /** Number of entries. */
  get size(): number {
    return this.#heap.size + this.#front.length - this.#head;
  }

  /** Adds an entry. */
  push(item: T): void {
    this.#heap.push(item);
  }

  /** The first entry without removing it. */
  peek(): T | undefined {
    const front = this.#front[this.#head];
    const top = this.#heap.peek();
    if (front === undefined) return top;
    return top !== undefined && this.#less(top, front) ? top : front;
  }

  /** Removes and returns the first entry. */
  pop(): T | undefined {
    const front = this.#front[this.#head];
    const top = this.#heap.peek();
    if (front === undefined || (top !== undefined && this.#less(top, front))) {
      return this.#heap.pop();
    }
    this.#head++;
    return front;
  }

  /**
   * Gives back entries popped since the last give-back (in any order): they go to the front,
   * sorted. Entries popped since then come before every entry still in the front (each was the
   * first when it was popped), so the front stays sorted.
   *
   * @param items Entries popped from this queue since the last call.
   */
  giveBack(items: readonly T[]): void {
    if (items.length === 0) return;
    const sorted = [...items].sort((a, b) => this.#less(a, b) ? -1 : this.#less(b, a) ? 1 : 0);
    if (sorted.length <= this.#head) {
      // Into the slots of entries already taken: no copy of the rest of the front.
      this.#head -= sorted.length;
      for (let i = 0; i < sorted.length; i++) this.#front[this.#head + i] = sorted[i]!;
      return;
    }
    this.#front = sorted.concat(this.#front.slice(this.#head));
    this.#head = 0;
  }
}
