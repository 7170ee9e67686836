import { type BoxChange, type BoxSnapshot, boxSnapshots, diffBoxes, type PostLike } from "./box-watch.ts";

/**
 * Tells what happened to status boxes since the last look, from the posts Mattermost holds, as a
 * person would see them. The caller decides when to look (a timer, the end of a turn).
 */
export class BoxReporter {
  private seen = new Map<string, BoxSnapshot>();
  private readonly posts: () => readonly PostLike[];
  private readonly onChange: (change: BoxChange) => void;

  constructor(posts: () => readonly PostLike[], onChange: (change: BoxChange) => void) {
    this.posts = posts;
    this.onChange = onChange;
  }

  check(): void {
    const boxes = boxSnapshots(this.posts());
    for (const change of diffBoxes(this.seen, boxes)) this.onChange(change);
    this.seen = new Map(boxes.map((b) => [b.id, b]));
  }
}
