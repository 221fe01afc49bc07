// Time, injected: the one Clock of the runtime and the testing kit. Named exports only.
export { realClock, setBackgroundTimeout, sleep, type Clock, type ClockTimer } from "./clock.js";
export { FakeClock } from "./fake-clock.js";
