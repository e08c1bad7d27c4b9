import type { Redis } from 'ioredis';

/** What one operation sent on a connection, counted on the connection itself. */
export interface WireCount {
  /** Writes to the socket. */
  readonly writes: number;
  /**
   * Round trips: groups of writes the client sent before it heard back. A write that follows a
   * reply starts a new one; writes sent together (a pipeline, or two commands issued in the
   * same tick) share one.
   */
  readonly roundTrips: number;
  /** The commands ioredis sent, in order (a MULTI's commands included). */
  readonly commands: readonly string[];
}

type Write = (...args: unknown[]) => boolean;
type SendCommand = Redis['sendCommand'];

/**
 * Counts, on one ioredis connection, the socket writes, round trips and commands of whatever
 * runs between `start()` and `stop()`. Meant for one operation running alone, after warm-up
 * (a first EVALSHA may cost an extra EVAL).
 */
export class WireProbe {
  private writes = 0;
  private roundTrips = 0;
  private commands: string[] = [];
  private repliedSinceWrite = true;
  private active = false;
  private readonly originalWrite: Write;
  private readonly originalSendCommand: SendCommand;
  private readonly onData = (): void => {
    if (this.active) this.repliedSinceWrite = true;
  };

  constructor(private readonly redis: Redis) {
    const stream = redis.stream as unknown as { write: Write };
    this.originalWrite = stream.write;
    this.originalSendCommand = redis.sendCommand;
    const originalWrite = this.originalWrite;
    const onWrite = (): void => this.recordWrite();
    stream.write = function (this: unknown, ...args: unknown[]): boolean {
      onWrite();
      return originalWrite.apply(this, args);
    };
    const originalSendCommand = this.originalSendCommand;
    const onCommand = (name: string): void => {
      if (this.active) this.commands.push(name);
    };
    redis.sendCommand = function (this: Redis, ...args: Parameters<SendCommand>): unknown {
      onCommand(args[0].name);
      return originalSendCommand.apply(this, args);
    } as SendCommand;
    redis.stream.on('data', this.onData);
  }

  private recordWrite(): void {
    if (!this.active) return;
    this.writes++;
    if (this.repliedSinceWrite) this.roundTrips++;
    this.repliedSinceWrite = false;
  }

  start(): void {
    this.writes = 0;
    this.roundTrips = 0;
    this.commands = [];
    this.repliedSinceWrite = true;
    this.active = true;
  }

  stop(): WireCount {
    this.active = false;
    return { writes: this.writes, roundTrips: this.roundTrips, commands: this.commands };
  }

  /** Puts the connection back as it was. */
  detach(): void {
    (this.redis.stream as unknown as { write: Write }).write = this.originalWrite;
    this.redis.sendCommand = this.originalSendCommand;
    this.redis.stream.off('data', this.onData);
  }
}
