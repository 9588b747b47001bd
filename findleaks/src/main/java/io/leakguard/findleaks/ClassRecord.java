package io.leakguard.findleaks;

/**
 * A class as an HPROF CLASS_DUMP describes it: its loader, its superclass and the layout of its instances' fields.
 *
 * @param fieldNames string ids of the instance fields this class declares, in dump order
 * @param fieldTypes their HPROF basic types
 * @param staticNames string ids of the static fields that hold references, and in {@code staticValues} their values
 */
record ClassRecord(long id, long superId, long loaderId, long protectionDomainId, long[] fieldNames, int[] fieldTypes,
        long[] staticNames, long[] staticValues) {
}
