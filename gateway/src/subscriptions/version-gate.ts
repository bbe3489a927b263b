/**
 * Per subscriber: the newest aggregateVersion delivered per entity, so payloads go out in version
 * order and never twice (a redelivered or late, older event is dropped). Bounded: past `maxEntities`
 * the entity seen longest ago is forgotten (a subscription follows one entity, or the few new ones
 * of a movie or city, so this is a guard against a subscriber that lives for millions of them).
 */
export class VersionGate {
  private readonly last = new Map<string, number>();

  constructor(private readonly maxEntities = 10_000) {}

  /** True if `version` of `entityId` is newer than anything admitted before (and records it). */
  admit(entityId: string, version: number): boolean {
    const seen = this.last.get(entityId);
    if (seen !== undefined && version <= seen) return false;
    this.last.delete(entityId);
    this.last.set(entityId, version);
    if (this.last.size > this.maxEntities) this.last.delete(this.last.keys().next().value!);
    return true;
  }
}
