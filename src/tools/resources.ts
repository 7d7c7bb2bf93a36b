/**
 * From a tool's resource templates to the resources a call touches, and to the resources any call
 * of the tool could touch (used to hide tools that no grant can ever allow).
 */
import type { Access, ResourceNeed } from '../policy/types.js';
import type { Args, ResourceTemplate, ToolEntry } from './types.js';

function templateOf(resource: ResourceTemplate): { template: string; access?: Access } {
  return typeof resource === 'string' ? { template: resource } : resource;
}

function fill(template: string, value: (name: string) => string): string {
  return template.replace(/\{([a-z_]+)\}/g, (_, name: string) => value(name));
}

/** The resources one call touches, from its validated arguments. */
export function resourceNeeds(entry: ToolEntry, args: Args): ResourceNeed[] {
  return entry.resources.map((resource) => {
    const { template, access } = templateOf(resource);
    const filled = fill(template, (name) => {
      const value = args[name];
      // Schemas make these required names; a gap here is a catalog defect, not user input.
      if (typeof value !== 'string' || value === '') {
        throw new Error(`${entry.name}: resource template needs argument "${name}"`);
      }
      return value;
    });
    return { resource: filled, access: access ?? entry.access };
  });
}

/** The resources of a call with every argument unknown: `repo:*\/*` for a repository tool. */
export function possibleNeeds(entry: ToolEntry): ResourceNeed[] {
  return entry.resources.map((resource) => {
    const { template, access } = templateOf(resource);
    return { resource: fill(template, () => '*'), access: access ?? entry.access };
  });
}
