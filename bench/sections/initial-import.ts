import { SkipSection, type Section } from '../section.js';
export const initialImportSection: Section = { key: 'initialImport', title: 'Initial import', timeoutMs: () => 1000, async run() { throw new SkipSection('not written yet'); } };
