import type { EmulatorContext } from '../context.js';
import { createEc2Emulation, type Ec2Emulation } from '../ec2/index.js';
import { createEcsEmulation, type EcsEmulator } from '../ecs/index.js';
import { emulatorIam, type IamAuthorizer, type IamPolicies } from '../iam/index.js';
import { InstanceRegistry } from '../instances.js';
import { NetworkRegistry } from '../network.js';
import type { EmulatorFaults, EmulatorTiming } from '../profile.js';
import { seededRandom, type Random } from '../random.js';
import { Ec2Throttle } from '../throttle.js';

/**
 * One account in one Region: what AWS keeps apart between accounts and Regions — the VPC and its
 * ENIs, EC2's mirroring state, ECS's clusters and tasks, and EC2's request throttling, which is a
 * token bucket "per account, per Region" (EC2 API reference, "Request throttling for the Amazon
 * EC2 API").
 */
export interface AccountCell {
  readonly accountId: string;
  readonly region: string;
  readonly context: EmulatorContext;
  readonly network: NetworkRegistry;
  readonly ec2: Ec2Emulation;
  readonly ecs: EcsEmulator;
  readonly ec2Throttle: Ec2Throttle;
  readonly iam: IamAuthorizer;
}

/** What every cell shares: the faults and timing of the whole emulator, one clock. */
export interface CellSettings {
  faults(): EmulatorFaults;
  timing(): EmulatorTiming;
  now(): number;
  /** The identity policies of every key, the issued role sessions' included. */
  policies(): IamPolicies;
}

export function createCell(accountId: string, region: string, random: Random, settings: CellSettings): AccountCell {
  // Built in this order (network, instances, EC2, ECS) so that the seeded ids of the default cell are the
  // ones a single-account emulator has always produced.
  const network = new NetworkRegistry(random, region, accountId);
  const context: EmulatorContext = {
    region,
    accountId,
    random,
    network,
    instances: new InstanceRegistry(random, network),
    faults: settings.faults,
    timing: settings.timing,
    now: settings.now,
  };
  const ec2 = createEc2Emulation(context);
  const ecs = createEcsEmulation(context);
  const iam = emulatorIam(context, settings.policies(), { ec2, ecs, network, instances: context.instances });
  return { accountId, region, context, network, ec2, ecs, ec2Throttle: new Ec2Throttle(settings.faults, settings.now), iam };
}

const cellKey = (accountId: string, region: string): string => `${accountId}/${region}`;

/**
 * Every account × Region the emulator has been asked about, created on first use: the default
 * cell (the emulator's own account and Region) exists from the start; any other comes into being
 * when a request is signed for it, or when a test asks for it.
 */
export class AccountCells {
  private readonly cells = new Map<string, AccountCell>();

  constructor(
    readonly defaultCell: AccountCell,
    private readonly seed: number,
    private readonly settings: CellSettings,
  ) {
    this.cells.set(cellKey(defaultCell.accountId, defaultCell.region), defaultCell);
  }

  get(accountId: string, region: string): AccountCell {
    const key = cellKey(accountId, region);
    let cell = this.cells.get(key);
    if (!cell) {
      // Each cell its own stream of ids and faults, reproducible from the seed and the cell's name.
      cell = createCell(accountId, region, seededRandom(mix(this.seed, key)), this.settings);
      this.cells.set(key, cell);
    }
    return cell;
  }

  /** The cell if it exists; never creates one. */
  find(accountId: string, region: string): AccountCell | undefined {
    return this.cells.get(cellKey(accountId, region));
  }

  all(): AccountCell[] {
    return [...this.cells.values()];
  }

  /** The policies changed (a role session was issued): every cell's authorizer sees them. */
  refreshPolicies(): void {
    const policies = this.settings.policies();
    for (const cell of this.cells.values()) cell.iam.setPolicies(policies);
  }
}

/** FNV-1a of the cell's name, folded into the seed. */
function mix(seed: number, key: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
