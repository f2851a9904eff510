/** The demo city's live event simulator (issue 5): the pure model, its world view, the real-time runner. */
export { createEventModel, generateEvents, type EventModel, type SimOptions } from './model';
export { dayCurve, DAY_CURVE, DAY_CURVE_RAW, beijingIso, beijingHour } from './day-curve';
export { hiddenResidents, HIDDEN_EVERY } from './places';
export { simWorldFromCity, simWorldFromRepository, type SimWorld } from './world';
export { startSimulator, type Simulator, type SimulatorOptions, type SimulatorStats } from './runner';
