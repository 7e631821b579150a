import type { GroundTruth } from '../emulator/ground-truth.js';
import type { Ec2Doors } from './ec2-capacity.js';

/** Narrower terminals still get a frame that fits; the layout is made for 80 columns and up. */
export const DEMO_MIN_COLUMNS = 80;

/** What one frame of the demo's live view shows. */
export interface FrameInput {
  readonly seconds: number;
  readonly tasksByStatus: Readonly<Record<string, number>>;
  readonly attached: number;
  readonly mirrored: number;
  readonly mirrorable: number;
  /** ENIs on hosts that cannot mirror (branch ENIs are counted apart). */
  readonly unsupported: number;
  readonly duplicates: number;
  /** The EC2 cluster: sessions on instance ENIs, the bridge tasks they cover, branch ENIs. */
  readonly taskEnisMirrored: number;
  readonly taskEnis: number;
  readonly instanceSessions: number;
  readonly coveredBridgeTasks: number;
  readonly branchEnis: number;
  readonly outcomes: Readonly<Record<string, number>>;
  readonly ec2Requests: number;
  readonly throttled: number;
  readonly notes: readonly string[];
}

/** A line of the frame as pieces that may go onto a continuation line between them. */
interface Flow {
  readonly parts: readonly string[];
  readonly separator: string;
}

const INDENT = '  ';
const CONTINUATION = '    ';

/**
 * Lays pieces out into lines of at most `width` characters, breaking between pieces; a piece
 * longer than a line is cut with '…'. Every line fitting the terminal is what keeps the redraw
 * in place: a line the terminal wraps moves the cursor one row more than the frame counted.
 */
function flow(first: string, { parts, separator }: Flow, width: number): string[] {
  const lines: string[] = [];
  let line = first;
  for (const [index, part] of parts.entries()) {
    const joined = index === 0 ? `${line}${part}` : `${line}${separator}${part}`;
    if (joined.length <= width || line.trim() === '') {
      line = joined;
    } else {
      lines.push(line);
      line = `${CONTINUATION}${part.trimStart()}`;
    }
  }
  lines.push(line);
  return lines.map((l) => (l.length <= width ? l : `${l.slice(0, Math.max(0, width - 1))}…`));
}

function progressBar(done: number, total: number, width = 20): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/** One frame of the live view, every line at most `width` characters. */
export function renderFrame(input: FrameInput, width: number): string[] {
  const statuses = ['PROVISIONING', 'PENDING', 'ACTIVATING', 'RUNNING'].map((s) => `${s.toLowerCase()} ${input.tasksByStatus[s] ?? 0}`);
  const outcomes = Object.entries(input.outcomes).map(([k, v]) => `${k} ${v}`);
  return [
    ...flow(`t=${input.seconds.toFixed(1).padStart(5)}s  tasks: `, { parts: statuses, separator: '  ' }, width),
    ...flow(
      INDENT,
      {
        parts: [
          `ENIs attached ${input.attached}`,
          `mirrored ${progressBar(input.mirrored, input.mirrorable)} ${input.mirrored}/${input.mirrorable}`,
          `unsupported host ${input.unsupported}`,
          `duplicates ${input.duplicates}`,
        ],
        separator: '   ',
      },
      width,
    ),
    ...flow(
      `${INDENT}EC2: `,
      {
        parts: [
          `task ENIs ${input.taskEnisMirrored}/${input.taskEnis}`,
          `instance sessions ${input.instanceSessions} (covering ${input.coveredBridgeTasks} bridge task${input.coveredBridgeTasks === 1 ? '' : 's'})`,
          `branch ENI ${input.branchEnis} (awsvpcTrunking, reported)`,
        ],
        separator: '   ',
      },
      width,
    ),
    ...flow(
      `${INDENT}handler: `,
      { parts: [...(outcomes.length === 0 ? ['waiting for events'] : outcomes.map((o, i) => (i < outcomes.length - 1 ? `${o},` : o))), `  EC2 requests ${input.ec2Requests} (throttled ${input.throttled})`], separator: ' ' },
      width,
    ),
    ...input.notes.flatMap((note) => flow(`${INDENT}» `, { parts: note.split(' '), separator: ' ' }, width)),
  ];
}

export interface LiveViewOptions {
  /** Redraw in place (a terminal) rather than print each frame below the last. */
  readonly live: boolean;
  readonly write: (text: string) => void;
  /** The terminal's width now (it can change while the demo runs); undefined when not a terminal. */
  readonly columns?: () => number | undefined;
}

export class LiveView {
  private lines = 0;
  private notes: string[] = [];

  constructor(
    private readonly options: LiveViewOptions,
    private readonly started: number,
  ) {}

  note(text: string): void {
    this.notes.push(text);
  }

  render(truth: GroundTruth, doors: Ec2Doors, outcomes: Readonly<Record<string, number>>, ec2Requests: number, throttled: number): void {
    const frame = renderFrame(
      {
        seconds: (Date.now() - this.started) / 1000,
        tasksByStatus: truth.tasksByStatus,
        attached: truth.enis.length,
        mirrored: truth.mirrored,
        mirrorable: truth.mirrorable,
        unsupported: truth.unsupported - doors.branchEnis,
        duplicates: truth.duplicateSessions,
        taskEnisMirrored: doors.taskEnisMirrored,
        taskEnis: doors.taskEnis,
        instanceSessions: doors.instanceSessions,
        coveredBridgeTasks: doors.coveredBridgeTasks,
        branchEnis: doors.branchEnis,
        outcomes,
        ec2Requests,
        throttled,
        notes: this.notes,
      },
      this.options.columns?.() ?? DEMO_MIN_COLUMNS,
    );
    if (this.options.live) {
      // Up to the first line of the last frame, clear to the end of the screen: a frame with fewer
      // lines than the last leaves nothing of it behind.
      if (this.lines > 0) this.options.write(`\x1b[${this.lines}A\x1b[J`);
      this.options.write(frame.map((line) => `${line}\n`).join(''));
      this.lines = frame.length;
    } else {
      this.options.write(`${frame.join('\n')}\n`);
      this.notes = [];
    }
  }

  finish(): void {
    this.options.write('\n');
  }
}
