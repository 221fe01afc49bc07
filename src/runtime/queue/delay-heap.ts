/** What {@link DelayHeap} orders: anything with a due time and a slot for its heap position. */
export interface HeapNode {
  /** When it falls due (clock milliseconds). */
  readyAt: number;
  /** Its index in the heap, or -1 when it is not in one. Owned by the heap. */
  heapIndex: number;
  /** Breaks ties between equal `readyAt`: set by the heap on `push` and `decrease`. */
  heapSeq: number;
}

/** Whether `a` comes out of the heap before `b`. */
function before(a: HeapNode, b: HeapNode): boolean {
  return a.readyAt < b.readyAt || (a.readyAt === b.readyAt && a.heapSeq < b.heapSeq);
}

/**
 * A binary min-heap on `readyAt` that knows where each node sits, so a node's due time can
 * be moved earlier in O(log n) (client-go's delaying queue keeps the earliest due time of
 * a key this way). Nodes due at the same time come out in the order their due time was
 * set, so delayed adds are deterministic. Internal to the queue.
 */
export class DelayHeap<N extends HeapNode> {
  readonly #nodes: N[] = [];
  #seq = 0;

  get size(): number {
    return this.#nodes.length;
  }

  /** The node due first, without removing it. */
  peek(): N | undefined {
    return this.#nodes[0];
  }

  push(node: N): void {
    node.heapIndex = this.#nodes.length;
    node.heapSeq = this.#seq++;
    this.#nodes.push(node);
    this.#up(node.heapIndex);
  }

  /** Removes and returns the node due first. */
  pop(): N | undefined {
    const nodes = this.#nodes;
    const top = nodes[0];
    if (top === undefined) return undefined;
    const last = nodes.pop() as N;
    if (last !== top) {
      nodes[0] = last;
      last.heapIndex = 0;
      this.#down(0);
    }
    top.heapIndex = -1;
    return top;
  }

  /** Moves `node` (in this heap) to `readyAt`, which must not be later than its current one. */
  decrease(node: N, readyAt: number): void {
    node.readyAt = readyAt;
    node.heapSeq = this.#seq++;
    this.#up(node.heapIndex);
  }

  /** Empties the heap, calling `each` on every node (in no particular order). */
  clear(each: (node: N) => void): void {
    const nodes = this.#nodes.splice(0);
    for (const node of nodes) {
      node.heapIndex = -1;
      each(node);
    }
  }

  #up(index: number): void {
    const nodes = this.#nodes;
    const node = nodes[index] as N;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = nodes[parentIndex] as N;
      if (before(parent, node)) break;
      nodes[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    nodes[index] = node;
    node.heapIndex = index;
  }

  #down(index: number): void {
    const nodes = this.#nodes;
    const length = nodes.length;
    const node = nodes[index] as N;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      let child = left;
      if (right < length && before(nodes[right] as N, nodes[left] as N)) child = right;
      const childNode = nodes[child] as N;
      if (before(node, childNode)) break;
      nodes[index] = childNode;
      childNode.heapIndex = index;
      index = child;
    }
    nodes[index] = node;
    node.heapIndex = index;
  }
}
