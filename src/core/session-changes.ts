/**
 * What one ModifyTrafficMirrorSession call changes on a session of ours. EC2's API model
 * (ModifyTrafficMirrorSessionRequest) lets target, filter, session number, packet length, VNI and
 * description change in place; `null` removes the field (RemoveFields: "the property is set to the
 * default"), which only packet length, VNI and description allow.
 */
export interface SessionChanges {
  readonly targetId?: string;
  readonly filterId?: string;
  readonly sessionNumber?: number;
  readonly packetLength?: number | null;
  readonly virtualNetworkId?: number | null;
  readonly description?: string;
}

/** Whether a change set asks for anything at all. */
export function hasChanges(changes: SessionChanges): boolean {
  return Object.values(changes).some((value) => value !== undefined);
}
