// Direct versus transitive dependencies, relative to the SBOM's subject, by breadth-first search
// over the declared edges (cycles are common in real graphs and harmless here).
import type { DependencyRelation, SbomComponent, SbomDependencies } from './types.ts';

export function buildDependencies(
  root: string | undefined,
  edges: Map<string, Set<string>>,
  components: SbomComponent[],
): SbomDependencies {
  // No prototype: a bom-ref such as "__proto__" or "constructor" is a key like any other.
  const record: Record<string, string[]> = Object.create(null);
  for (const [from, tos] of edges) record[from] = [...tos];
  const direct: string[] = [];
  const transitive: string[] = [];
  const relation = new Map<string, DependencyRelation>();
  const hasGraph = root !== undefined && edges.has(root);
  if (hasGraph) {
    const seen = new Set<string>([root]);
    let frontier: string[] = [];
    for (const ref of edges.get(root) ?? []) {
      if (seen.has(ref)) continue;
      seen.add(ref);
      direct.push(ref);
      relation.set(ref, 'direct');
      frontier.push(ref);
    }
    while (frontier.length > 0) {
      const next: string[] = [];
      for (const ref of frontier) {
        for (const dep of edges.get(ref) ?? []) {
          if (seen.has(dep)) continue;
          seen.add(dep);
          transitive.push(dep);
          relation.set(dep, 'transitive');
          next.push(dep);
        }
      }
      frontier = next;
    }
  }
  for (const c of components) c.relation = hasGraph ? (relation.get(c.ref) ?? 'unreachable') : 'unknown';
  return { ...(root !== undefined ? { root } : {}), edges: record, direct, transitive };
}
