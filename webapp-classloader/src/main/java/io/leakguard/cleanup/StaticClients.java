package io.leakguard.cleanup;

import io.leakguard.cleanup.jdk.InternalField;
import io.leakguard.cleanup.jdk.JdkInternals;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.http.HttpClient;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code java.net.http.HttpClient}s a dying web application keeps in its static fields, as applications are told
 * to share one client: in the field itself, in an array, a JDK collection or map there or a wrapper of one
 * (unmodifiable, synchronized), or in a field of an object of the application there, as a client library's singleton
 * keeps its client. Deeper holders are not searched: the search runs on every stop, over every initialised class of
 * the application.
 */
final class StaticClients {

    private static final String FACADE_CLASS = "jdk.internal.net.http.HttpClientFacade";
    /** The client behind the HttpClient object an application holds. */
    static final InternalField FACADE_CLIENT = JdkInternals.field(FACADE_CLASS, "impl");

    private final Ownership ownership;
    /** The clients found, by identity, each with where: {@code com.acme.Api.INSTANCE.client}. */
    private final Map<HttpClient, String> found = new IdentityHashMap<>();

    private StaticClients(Ownership ownership) {
        this.ownership = ownership;
    }

    /**
     * The HttpClients the application keeps, each with where; empty when the static fields cannot be read. A search
     * cut short by the check's budget is reported as skipped.
     */
    static Map<HttpClient, String> of(Scan scan) throws IllegalAccessException {
        StaticClients clients = new StaticClients(scan.ownership());
        if (!InitializedStatics.available()) {
            return clients.found;
        }
        for (Class<?> type : InitializedStatics.classes(scan.loader())) {
            if (scan.expired()) {
                scan.leak("static fields of " + type.getName() + " and later classes were not searched for HttpClients")
                        .skipped("the check used its " + scan.policy().checkBudget().toMillis() + " ms budget");
                break;
            }
            for (Field field : InitializedStatics.referenceFields(type)) {
                // Most static fields are of a type that can hold neither a client nor an object of the application.
                if (clients.mayHold(field.getType())) {
                    clients.search(field.get(null), type.getName() + "." + field.getName(), true);
                }
            }
        }
        return clients.found;
    }

    private boolean mayHold(Class<?> type) {
        return type.isAssignableFrom(HttpClient.class) || Collection.class.isAssignableFrom(type)
                || Map.class.isAssignableFrom(type) || ownership.owns(type)
                || type.isArray() && mayHold(type.getComponentType());
    }

    /** Looks at {@code value}, and when {@code deeper}, into it: a holder's fields, or a container's elements. */
    private void search(Object value, String where, boolean deeper) throws IllegalAccessException {
        if (value == null) {
            return;
        }
        if (value.getClass().getName().equals(FACADE_CLASS)) {
            found.putIfAbsent((HttpClient) value, where);
        } else if (deeper && ownership.owns(value.getClass())) {
            searchFields(value, where);
        } else if (deeper && Reach.isJdk(value.getClass())) {
            searchContainer(value, where);
        }
    }

    private void searchFields(Object holder, String where) throws IllegalAccessException {
        for (Class<?> type = holder.getClass(); ownership.owns(type); type = type.getSuperclass()) {
            for (Field field : Reach.declaredFields(type)) {
                if (!Modifier.isStatic(field.getModifiers()) && field.getType().isAssignableFrom(HttpClient.class)
                        && field.trySetAccessible()) {
                    search(field.get(holder), where + "." + field.getName(), false);
                }
            }
        }
    }

    /**
     * Reads a JDK collection or map through its public API where {@link Reach} does, which never modifies it, and a
     * linked blocking queue by its nodes, whose lock its own methods may hold; reads a wrapper or view of one
     * (unmodifiable, synchronized, checked, a singleton) by its fields, as Reach does too: iterating it would run what
     * it wraps, maybe the application's own collection, or wait for its monitor.
     */
    private void searchContainer(Object container, String where) throws IllegalAccessException {
        searchContainer(container, where, Collections.newSetFromMap(new IdentityHashMap<>()));
    }

    private void searchContainer(Object container, String where, Set<Object> unwrapped)
            throws IllegalAccessException {
        Reach.Shape shape = Reach.shape(container.getClass());
        try {
            if (container instanceof Object[] array) {
                for (int i = 0; i < array.length; i++) {
                    search(array[i], where + "[" + i + "]", false);
                }
            } else if (shape.kind() == Reach.Kind.ITERABLE) {
                for (Object element : (Collection<?>) container) {
                    search(element, where + " element", false);
                }
            } else if (shape.kind() == Reach.Kind.NODES) {
                Reach.Nodes chain = shape.nodes();
                for (Object node = chain.first(container); node != null; node = chain.after(node)) {
                    search(chain.element(node), where + " element", false);
                }
            } else if (shape.kind() == Reach.Kind.MAP) {
                for (Map.Entry<?, ?> entry : ((Map<?, ?>) container).entrySet()) {
                    search(entry.getValue(), where + " value for key " + Describe.object(entry.getKey()), false);
                }
            } else if (shape.kind() == Reach.Kind.FIELDS && isContainer(container) && unwrapped.add(container)) {
                // A wrapper's fields may lead back to it, as a synchronized map's key set does through its mutex.
                for (Field field : shape.fields()) {
                    Object value = field.get(container);
                    if (value instanceof Object[] elements) {
                        for (Object element : elements) {
                            search(element, where + (container instanceof Map ? " value" : " element"), false);
                        }
                    } else if (value != null && Reach.isJdk(value.getClass()) && isContainer(value)) {
                        searchContainer(value, where, unwrapped);
                    } else {
                        search(value, where + (container instanceof Map ? " value" : " element"), false);
                    }
                }
            }
        } catch (RuntimeException e) {
            // Changed while read (a stopped application's statics rarely are): what was not read is not reported.
        }
    }

    private static boolean isContainer(Object value) {
        return value instanceof Collection || value instanceof Map;
    }
}
