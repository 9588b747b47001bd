package io.leakguard.findleaks;

/** Sorts two arrays together by the first, in place: boxing millions of object ids into pairs would cost the heap. */
final class ParallelSort {

    private static final int INSERTION_BELOW = 16;

    private ParallelSort() {
    }

    static void byFirst(long[] keys, long[] values, int length) {
        quicksort(keys, values, 0, length - 1);
    }

    private static void quicksort(long[] keys, long[] values, int low, int high) {
        while (high - low >= INSERTION_BELOW) {
            long pivot = medianOfThree(keys[low], keys[(low + high) >>> 1], keys[high]);
            int i = low;
            int j = high;
            while (i <= j) {
                while (keys[i] < pivot) {
                    i++;
                }
                while (keys[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    swap(keys, values, i++, j--);
                }
            }
            // Recurse into the smaller half so the stack stays logarithmic whatever the input.
            if (j - low < high - i) {
                quicksort(keys, values, low, j);
                low = i;
            } else {
                quicksort(keys, values, i, high);
                high = j;
            }
        }
        for (int i = low + 1; i <= high; i++) {
            for (int j = i; j > low && keys[j - 1] > keys[j]; j--) {
                swap(keys, values, j, j - 1);
            }
        }
    }

    private static long medianOfThree(long a, long b, long c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    private static void swap(long[] keys, long[] values, int i, int j) {
        long key = keys[i];
        keys[i] = keys[j];
        keys[j] = key;
        long value = values[i];
        values[i] = values[j];
        values[j] = value;
    }
}
