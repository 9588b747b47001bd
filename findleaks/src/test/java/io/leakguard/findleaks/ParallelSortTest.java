package io.leakguard.findleaks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Object ids and their file positions must stay paired through the sort, whatever order the dump wrote them in. */
class ParallelSortTest {

    @Test
    void sortsKeysAndKeepsEachValueWithItsKey() {
        Random random = new Random(42);
        for (int length : new int[] {0, 1, 15, 16, 17, 1000, 100_000}) {
            long[] keys = new long[length];
            long[] values = new long[length];
            for (int i = 0; i < length; i++) {
                // Few distinct keys as well as many, and runs already in order, as in a real dump.
                keys[i] = i % 7 == 0 ? i : random.nextInt(length / 2 + 1) * 8L;
                values[i] = keys[i] * 3 + 1;
            }
            long[] expected = keys.clone();
            Arrays.sort(expected);

            ParallelSort.byFirst(keys, values, length);

            assertArrayEquals(expected, keys);
            for (int i = 0; i < length; i++) {
                assertEquals(keys[i] * 3 + 1, values[i]);
            }
        }
    }
}
