package io.leakguard.findleaks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A hash map from object ids to values without boxing the keys: the reference walk looks a class up for every object
 * of the heap, and a boxed {@code Long} per lookup made most of the garbage of an analysis.
 */
final class LongMap<V> {

    private static final long EMPTY = 0;

    private long[] keys = new long[1024];
    private Object[] values = new Object[1024];
    private int size;

    /** Ids are never 0, which marks a free slot. */
    void put(long key, V value) {
        if (key == EMPTY) {
            throw new IllegalArgumentException("id 0 is null");
        }
        if (2 * (size + 1) > keys.length) {
            grow();
        }
        int slot = slot(key);
        if (keys[slot] == EMPTY) {
            keys[slot] = key;
            size++;
        }
        values[slot] = value;
    }

    @SuppressWarnings("unchecked")
    V get(long key) {
        int slot = slot(key);
        return keys[slot] == EMPTY ? null : (V) values[slot];
    }

    boolean containsKey(long key) {
        return key != EMPTY && keys[slot(key)] == key;
    }

    @SuppressWarnings("unchecked")
    List<V> values() {
        List<V> all = new ArrayList<>(size);
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                all.add((V) values[i]);
            }
        }
        return all;
    }

    private int slot(long key) {
        int mask = keys.length - 1;
        int slot = (int) (mix(key) & mask);
        while (keys[slot] != EMPTY && keys[slot] != key) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private static long mix(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 32);
    }

    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new Object[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                put(oldKeys[i], castValue(oldValues[i]));
            }
        }
        Arrays.fill(oldValues, null);
    }

    @SuppressWarnings("unchecked")
    private V castValue(Object value) {
        return (V) value;
    }
}
