package io.leakguard.findleaks;

import java.util.HashMap;
import java.util.Map;

/**
 * Where the objects of a chain were created, read from leakguard's own creation-site record in the dump: the dumped
 * JVM's {@code io.leakguard.sites.CreationSites} holds a weak key per recorded object, each with that object's sites,
 * the latest last. The chain's objects are dump ids, not live objects, so the record is searched in the dump too. A
 * ThreadLocal entry is named by its ThreadLocal, which the entry holds only weakly and which is never on the chain.
 */
final class CreationSiteRecords {

    private static final String KEY = "io.leakguard.sites.CreationSites$Key";

    private CreationSiteRecords() {
    }

    /** For each position in {@code chain} with a known site, the words to add to that object's description. */
    static Map<Integer, String> of(HeapIndex heap, References references, int[] chain) {
        long keyClass = references.classId(KEY);
        if (keyClass == 0) {
            return Map.of();
        }
        long referenceClass = references.classId("java.lang.ref.Reference");
        long referent = references.stringId("referent");
        long entryClass = references.classId("java.lang.ThreadLocal$ThreadLocalMap$Entry");
        Map<Long, Integer> created = new HashMap<>();
        Map<Long, Integer> entryOf = new HashMap<>();
        for (int i = 0; i < chain.length; i++) {
            long position = heap.positions[chain[i]];
            created.put(heap.ids[chain[i]], i);
            if (heap.file.u1(position) == HeapIndex.INSTANCE && heap.classOfInstance(position) == entryClass) {
                entryOf.put(references.field(position, referenceClass, referent), i);
            }
        }
        long sites = references.stringId("sites");
        Map<Integer, String> words = new HashMap<>();
        for (int object = 0; object < heap.objects; object++) {
            long position = heap.positions[object];
            if (heap.file.u1(position) != HeapIndex.INSTANCE || heap.classOfInstance(position) != keyClass) {
                continue;
            }
            long recorded = references.field(position, referenceClass, referent);
            Integer own = created.get(recorded);
            Integer entry = entryOf.get(recorded);
            if (own == null && entry == null) {
                continue;
            }
            String site = latest(heap, references, references.field(position, keyClass, sites));
            if (site != null && own != null) {
                words.put(own, "created at " + site);
            } else if (site != null) {
                words.putIfAbsent(entry, "its ThreadLocal created at " + site);
            }
        }
        return words;
    }

    /** The last element of the key's array of sites, or null. */
    private static String latest(HeapIndex heap, References references, long sitesArray) {
        int array = heap.indexOf(sitesArray);
        if (array < 0) {
            return null;
        }
        long[] last = {0};
        references.forEach(array, (to, kind, owner, name) -> last[0] = to);
        return last[0] == 0 ? null : heap.string(last[0]);
    }
}
