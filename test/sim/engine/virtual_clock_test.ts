/** The simulator's clocks: virtual time that jumps when every waiter sleeps, and real time. */

import assert from "node:assert/strict";
import { realTimeline, VirtualClock } from "../../../sim/mod.ts";

const START = Date.UTC(2026, 0, 1);

Deno.test("VirtualClock starts at a fixed time by default, or the given one", () => {
  assert.equal(new VirtualClock().now(), START);
  assert.equal(new VirtualClock({ start: new Date(5000) }).now(), 5000);
});

Deno.test("VirtualClock.sleep jumps to the due time without waiting in real time", async () => {
  const clock = new VirtualClock();
  const began = performance.now();
  for (let i = 0; i < 100; i++) await clock.sleep(900_000);
  assert.equal(clock.now(), START + 100 * 900_000);
  assert.ok(performance.now() - began < 1000);
});

Deno.test("concurrent sleepers wake in due order, each at its own time", async () => {
  const clock = new VirtualClock();
  const woke: Array<[string, number]> = [];
  const sleeper = async (name: string, ms: number) => {
    await clock.sleep(ms);
    woke.push([name, clock.now() - START]);
  };
  await Promise.all([sleeper("c", 300), sleeper("a", 100), sleeper("b", 200), sleeper("a2", 100)]);
  assert.deepEqual(woke, [["a", 100], ["a2", 100], ["b", 200], ["c", 300]]);
});

Deno.test("scheduled events fire in time order before a later sleeper, ties in scheduling order", async () => {
  const clock = new VirtualClock();
  const fired: string[] = [];
  clock.schedule(START + 50, () => fired.push(`x@${clock.now() - START}`));
  clock.schedule(START + 20, () => fired.push(`y@${clock.now() - START}`));
  clock.schedule(START + 20, () => fired.push(`z@${clock.now() - START}`));
  await clock.sleep(100);
  assert.deepEqual(fired, ["y@20", "z@20", "x@50"]);
  assert.equal(clock.pendingEvents, 0);
});

Deno.test("events alone never move time: without a sleeper nothing fires", async () => {
  const clock = new VirtualClock();
  let fired = false;
  clock.schedule(START + 1000, () => fired = true);
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(fired, false);
  assert.equal(clock.now(), START);
  assert.equal(clock.pendingEvents, 1);
});

Deno.test("a cancelled event does not fire and is not counted", async () => {
  const clock = new VirtualClock();
  let fired = false;
  const timer = clock.schedule(START + 10, () => fired = true);
  timer.cancel();
  timer.cancel();
  assert.equal(clock.pendingEvents, 0);
  await clock.sleep(20);
  assert.equal(fired, false);
});

Deno.test("a woken sleeper's reaction settles before the next sleeper wakes", async () => {
  const clock = new VirtualClock();
  const seen: string[] = [];
  const first = (async () => {
    await clock.sleep(10);
    // Reacting at t=10: schedules an event at t=15, which the sleeper due at t=20 must see.
    clock.schedule(clock.now() + 5, () => seen.push(`event@${clock.now() - START}`));
  })();
  const second = (async () => {
    await clock.sleep(20);
    seen.push(`second@${clock.now() - START}`);
  })();
  await Promise.all([first, second]);
  assert.deepEqual(seen, ["event@15", "second@20"]);
});

Deno.test("a hold stops time from moving but lets what is due now happen", async () => {
  const clock = new VirtualClock();
  const release = clock.hold();
  let later = false;
  const laterSleep = clock.sleep(1000).then(() => later = true);
  let fired = false;
  clock.schedule(clock.now(), () => fired = true);
  await clock.sleep(0);
  assert.equal(fired, true, "an event due now fires while held");
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(later, false, "time does not move while held");
  assert.equal(clock.now(), START);
  release();
  release();
  await laterSleep;
  assert.equal(clock.now(), START + 1000);
});

Deno.test("sleep rejects with the abort reason, and other sleepers go on", async () => {
  const clock = new VirtualClock();
  const controller = new AbortController();
  const aborted = clock.sleep(1000, controller.signal);
  controller.abort(new Error("stop"));
  await assert.rejects(aborted, /stop/);
  await assert.rejects(clock.sleep(10, AbortSignal.abort(new Error("already"))), /already/);
  assert.equal(clock.sleepers, 0);
  await clock.sleep(5);
  assert.equal(clock.now(), START + 5);
});

Deno.test("runUntilIdle fires every event, waking sleepers due on the way", async () => {
  const clock = new VirtualClock();
  const order: string[] = [];
  clock.schedule(START + 3000, () => order.push("event@3000"));
  const sleeper = clock.sleep(1000).then(() => {
    order.push("sleeper@1000");
    clock.schedule(clock.now() + 5000, () => order.push("event@6000"));
  });
  await clock.runUntilIdle();
  await sleeper;
  assert.deepEqual(order, ["sleeper@1000", "event@3000", "event@6000"]);
  assert.equal(clock.now(), START + 6000);
});

Deno.test("runUntilIdle waits for holds to be released", async () => {
  const clock = new VirtualClock();
  const release = clock.hold();
  let fired = false;
  clock.schedule(START + 10, () => fired = true);
  const idle = clock.runUntilIdle();
  setTimeout(release, 20);
  await idle;
  assert.equal(fired, true);
});

Deno.test("realTimeline fires events in real time and runUntilIdle waits for them and holds", async () => {
  const timeline = realTimeline();
  assert.equal(timeline.virtual, false);
  const fired: number[] = [];
  const began = Date.now();
  timeline.schedule(began + 30, () => fired.push(2));
  timeline.schedule(began + 10, () => fired.push(1));
  const cancelled = timeline.schedule(began + 5, () => fired.push(0));
  cancelled.cancel();
  const release = timeline.hold();
  setTimeout(release, 50);
  await timeline.runUntilIdle();
  assert.deepEqual(fired, [1, 2]);
  assert.ok(Date.now() - began >= 45);
  assert.equal(timeline.pendingEvents, 0);
});
