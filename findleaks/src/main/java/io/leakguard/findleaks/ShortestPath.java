package io.leakguard.findleaks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * A breadth-first walk from every GC root at once over the strong references of a dump, so the first object it meets
 * that belongs to the leaked application ends the shortest chain that holds it. Two int arrays the size of the object
 * count are all it allocates: each object's parent doubles as the visited mark.
 */
final class ShortestPath {

    private static final int UNVISITED = Integer.MIN_VALUE;
    /**
     * HPROF root kinds: thread object, system class, JNI global, monitor, thread block, frames, JNI local, unknown;
     * then a class's ClassValue values, which a class keeps as long as it lives.
     */
    private static final int[] ROOT_PREFERENCE =
            {0x08, 0x05, 0x01, 0x07, 0x06, 0x03, 0x04, 0x02, 0xFF, HeapIndex.ROOT_CLASS_VALUES};

    /** @param objects object indexes from the root's object to the target; @param root the index in the root list */
    record Found(int root, int[] objects) {
    }

    private ShortestPath() {
    }

    static Found find(HeapIndex heap, References references, IntPredicate target) {
        int[] parent = new int[heap.objects];
        Arrays.fill(parent, UNVISITED);
        int[] queue = new int[heap.objects];
        int tail = 0;
        HeapIndex.Roots roots = heap.roots;
        // Among chains of the same length the first seeded wins: a live thread or a class explains more than a
        // local variable of whatever code happens to run.
        for (int kind : ROOT_PREFERENCE) {
            for (int r = 0; r < roots.count; r++) {
                int object = heap.indexOf(roots.objects[r]);
                if (roots.kinds[r] == kind && object >= 0 && parent[object] == UNVISITED) {
                    parent[object] = -1 - r;
                    queue[tail++] = object;
                }
            }
        }
        int[] enqueued = {tail};
        for (int head = 0; head < enqueued[0]; head++) {
            int object = queue[head];
            if (target.test(object)) {
                return new Found(rootOf(parent, object), chain(parent, object));
            }
            references.forEach(object, (to, kind, owner, name) -> {
                int next = heap.indexOf(to);
                if (next >= 0 && parent[next] == UNVISITED) {
                    parent[next] = object;
                    queue[enqueued[0]++] = next;
                }
            });
        }
        return null;
    }

    private static int rootOf(int[] parent, int object) {
        while (parent[object] >= 0) {
            object = parent[object];
        }
        return -1 - parent[object];
    }

    private static int[] chain(int[] parent, int object) {
        List<Integer> chain = new ArrayList<>();
        for (int at = object; at >= 0; at = parent[at]) {
            chain.add(at);
            if (parent[at] < 0) {
                break;
            }
        }
        Collections.reverse(chain);
        return chain.stream().mapToInt(Integer::intValue).toArray();
    }
}
