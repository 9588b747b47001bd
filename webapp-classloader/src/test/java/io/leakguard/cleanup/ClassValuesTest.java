package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.leakguard.testing.Gc;
import java.lang.ref.WeakReference;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Values an application's ClassValue computed for classes no loader lists: the primitive types and their arrays. The
 * fixture {@code jvm-registrations} shows the leak and its fix for {@code String} on Tomcat
 * ({@code JvmRegistrationsTest}).
 */
class ClassValuesTest {

    @Test
    void valuesForPrimitiveTypesAndArraysAreRemoved() throws Exception {
        DyingLoader dying = new DyingLoader();
        ClassValue<?> descriptions = (ClassValue<?>) dying.newInstance(SelfDescribing.class);
        descriptions.get(int.class);
        descriptions.get(Object[].class);

        List<Finding> findings = Passes.findings(dying, "ClassValue");
        assertEquals(2, findings.size(), findings::toString);
        assertTrue(findings.stream().allMatch(finding -> finding.outcome() == Outcome.FIXED), findings::toString);
        assertTrue(findings.get(0).message().contains(" computed for " + Describe.object(int.class)),
                findings.get(0).message());

        WeakReference<ClassLoader> loader = new WeakReference<>(dying);
        dying = null;
        descriptions = null;
        assertTrue(Gc.collected(loader), findings::toString);
    }
}
