package io.leakguard.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.leakguard.testing.ServerStarted;
import java.io.ObjectInputFilter;
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
        SerialFilters.remember();
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

    /**
     * leakguard came after the application installed its filter: what it took for the server's is the application's
     * own, and putting it back would keep the application.
     */
    @Test
    void theApplicationsFilterTakenForTheServersIsNotPutBack() throws Exception {
        DyingLoader dying = new DyingLoader();
        assertTakenForTheServersIsLeftInPlace(dying, dying.newInstance(ApplicationSerialFilter.class));
    }

    /** The same with a filter of the JDK's class that the application made from its own: it is the application's. */
    @Test
    void aJdkFilterAroundTheApplicationsTakenForTheServersIsNotPutBack() throws Exception {
        DyingLoader dying = new DyingLoader();
        assertTakenForTheServersIsLeftInPlace(dying, ObjectInputFilter.merge(
                (ObjectInputFilter) dying.newInstance(ApplicationSerialFilter.class),
                ObjectInputFilter.Config.createFilter("java.base/*")));
    }

    /**
     * Every ObjectInputStream asks the factory for its filter, and the JDK has none only when its
     * {@code jdk.serialFilterFactory} names one it could not make: none put back would fail every deserialization.
     */
    @Test
    void aFactoryIsNotTakenAwayWhenTheServerHadNone() throws Exception {
        factory.set(null, null);
        SerialFilters.remember();
        DyingLoader dying = new DyingLoader();
        Object own = dying.newInstance(ApplicationSerialFilter.class);
        factory.set(null, own);

        Finding finding = Passes.single(dying, "SerialFilter");
        assertSame(own, factory.get(null));
        assertEquals(Outcome.WARNED, finding.outcome(), finding.message());
        assertEquals("the server had no deserialization filter factory to put back; left in place", finding.action());
    }

    /** What the application set before leakguard took note of the server's filter holds the application. */
    private void assertTakenForTheServersIsLeftInPlace(ClassLoader dying, Object installed) throws Exception {
        filter.set(null, installed);
        SerialFilters.remember();

        Finding finding = Passes.single(dying, "SerialFilter");
        assertSame(installed, filter.get(null));
        assertEquals(Outcome.WARNED, finding.outcome(), finding.message());
        assertEquals("the deserialization filter leakguard took for the server's is an application's; left in place",
                finding.action());
    }
}
