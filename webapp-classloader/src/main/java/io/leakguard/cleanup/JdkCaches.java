package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.lang.ref.Reference;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ResourceBundle;

/**
 * JDK caches that may hold the web application's classes: ResourceBundle's cache keeps a bundle class of the
 * application behind a soft reference, which a full collection does not clear until memory runs short, and the
 * JavaBeans introspector caches BeanInfo of its classes. Both are cleared at every stop, which costs little; a finding
 * is reported only when a bundle of the application was seen in the cache, since the introspector cannot be asked.
 */
final class JdkCaches implements LeakCheck {

    /** Read only to tell whether clearing mattered; the clearing itself is public API. */
    private static final Optional<InternalField> BUNDLE_CACHE =
            JdkInternals.optionalField("java.util.ResourceBundle", "cacheList");

    @Override
    public String id() {
        return "caches";
    }

    @Override
    public String kind() {
        return "JdkCache";
    }

    @Override
    public Mode defaultMode() {
        return Mode.FIX;
    }

    @Override
    public List<Improvement> improvedBy() {
        return Improvement.where(BUNDLE_CACHE,
                "resource bundles of a stopping web application are reported when found in ResourceBundle's cache, "
                        + "which is cleared either way");
    }

    @Override
    public void run(Scan scan) {
        int bundles = cachedBundlesOf(scan.ownership());
        if (bundles > 0) {
            Scan.Leak leak = scan.leak(bundles + " resource bundle(s) of the application in the ResourceBundle cache");
            if (!scan.fixing()) {
                leak.warned(scan.policyReason());
                return;
            }
            ResourceBundle.clearCache(scan.loader());
            leak.fixed("ResourceBundle.clearCache(web application loader)");
        } else if (scan.fixing()) {
            ResourceBundle.clearCache(scan.loader());
        }
        if (scan.fixing() && JdkInternals.hasModule("java.desktop")) {
            java.beans.Introspector.flushCaches();
        }
    }

    private static int cachedBundlesOf(Ownership ownership) {
        if (BUNDLE_CACHE.isEmpty() || !BUNDLE_CACHE.get().available()) {
            return 0;
        }
        int owned = 0;
        for (Object cached : ((Map<?, ?>) BUNDLE_CACHE.get().get(null)).values()) {
            if (cached instanceof Reference<?> reference && ownership.ownsObject(reference.get())) {
                owned++;
            }
        }
        return owned;
    }
}
