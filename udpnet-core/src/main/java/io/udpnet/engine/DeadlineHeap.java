package io.udpnet.engine;

import java.util.Arrays;

/**
 * Binary min-heap of connections ordered by their next deadline, each connection knowing its own position so that
 * its deadline can change in O(log n). This is what lets one thread serve the timers of thousands of connections
 * without a task per connection and without scanning them all.
 */
final class DeadlineHeap {
    private Connection[] heap = new Connection[16];
    private long[] due = new long[16];
    private int size;

    int size() {
        return size;
    }

    /** The earliest deadline, or {@link Long#MAX_VALUE} when empty. */
    long earliest() {
        return size == 0 ? Long.MAX_VALUE : due[0];
    }

    /** The connection with the earliest deadline; only when not empty. */
    Connection first() {
        return heap[0];
    }

    /** Inserts {@code c} or moves it to its new deadline. */
    void schedule(Connection c, long deadline) {
        int i = c.heapIndex;
        if (i < 0) {
            if (size == heap.length) {
                heap = Arrays.copyOf(heap, size * 2);
                due = Arrays.copyOf(due, size * 2);
            }
            i = size++;
            heap[i] = c;
            c.heapIndex = i;
        }
        due[i] = deadline;
        up(i);
        down(c.heapIndex);
    }

    void remove(Connection c) {
        int i = c.heapIndex;
        if (i < 0) {
            return;
        }
        c.heapIndex = -1;
        size--;
        if (i != size) {
            move(size, i);
            up(i);
            down(heap[i].heapIndex);
        }
        heap[size] = null;
    }

    private void up(int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (due[parent] <= due[i]) {
                return;
            }
            swap(i, parent);
            i = parent;
        }
    }

    private void down(int i) {
        while (true) {
            int left = 2 * i + 1;
            if (left >= size) {
                return;
            }
            int child = left + 1 < size && due[left + 1] < due[left] ? left + 1 : left;
            if (due[i] <= due[child]) {
                return;
            }
            swap(i, child);
            i = child;
        }
    }

    private void move(int from, int to) {
        heap[to] = heap[from];
        due[to] = due[from];
        heap[to].heapIndex = to;
    }

    private void swap(int a, int b) {
        Connection c = heap[a];
        long d = due[a];
        heap[a] = heap[b];
        due[a] = due[b];
        heap[b] = c;
        due[b] = d;
        heap[a].heapIndex = a;
        heap[b].heapIndex = b;
    }
}
