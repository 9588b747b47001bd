package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.leakguard.testing.ServerStarted;
import java.lang.reflect.Field;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Which deserialization filter and factory are replaced: the stopping application's own gives way to the server's,
 * but another application's that defers to it is only reported. The JDK lets an application set the factory only
 * before the first ObjectInputStream of the JVM, which other tests here have long made, so the factory is put in
 * place as setSerialFilterFactory would. The fixture {@code jvm-registrations} shows the filter leak and its fix on
 * Tomcat ({@code JvmRegistrationsTest}).
 */
@ExtendWith(ServerStarted.class)
class SerialFiltersTest {

    private Field filter;
    private Field factory;
    private Object serversFilter;
    private Object serversFactory;

    @BeforeEach
    void takeNoteOfTheServers() throws ReflectiveOperationException {
        Class<?> config = Class.forName("java.io.ObjectInputFilter$Config");
        filter = config.getDeclaredField("serialFilter");
        factory = config.getDeclaredField("serialFilterFactory");
        filter.setAccessible(true);
        factory.setAccessible(true);
        serversFilter = filter.get(null);
        serversFactory = factory.get(null);
    }

    @AfterEach
    void putTheServersBack() throws IllegalAccessException {
        filter.set(null, serversFilter);
        factory.set(null, serversFactory);
    }

    @Test
    void theStoppingApplicationsFactoryGivesWayToTheServers() throws Exception {
        DyingLoader dying = new DyingLoader();
        factory.set(null, dying.newInstance(ApplicationSerialFilter.class));

        Finding finding = Passes.single(dying, "SerialFilter");
        assertSame(serversFactory, factory.get(null));
        assertEquals(Outcome.FIXED, finding.outcome(), finding.message());
        assertEquals("the server's put back: " + Describe.object(serversFactory), finding.action());
    }

    @Test
    void anotherApplicationsFilterThatDefersToThisOnesIsLeftInPlace() throws Exception {
        DyingLoader dying = new DyingLoader();
        Object others = new DyingLoader().newInstance(ApplicationSerialFilter.class);
        others.getClass().getField("held").set(others, dying.newInstance(ApplicationSerialFilter.class));
        filter.set(null, others);

        Finding finding = Passes.single(dying, "SerialFilter");
        assertSame(others, filter.get(null));
        assertEquals(Outcome.WARNED, finding.outcome(), finding.message());
        assertEquals("the deserialization filter is another application's, whose deserialization it would no longer"
                + " guard; left in place", finding.action());
    }
}
