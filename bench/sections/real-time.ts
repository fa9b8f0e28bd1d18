import { SkipSection, type Section } from '../section.js';
export const realTimeSection: Section = { key: 'realTime', title: 'Real time', timeoutMs: () => 1000, async run() { throw new SkipSection('not written yet'); } };
