/** The demo city's live event simulator (issue 5): the pure model, its world view, the real-time runner. */
export { createEventModel, generateEvents, dayCurve, DAY_CURVE, DAY_CURVE_RAW, beijingIso, beijingHour, hiddenResidents, HIDDEN_EVERY, type EventModel, type SimOptions, type SimWorld } from './model';
export { simWorldFromCity, simWorldFromRepository } from './world';
export { startSimulator, type Simulator, type SimulatorOptions, type SimulatorStats } from './runner';
