package io.leakguard.loader;

import java.util.ArrayList;
import java.util.List;
import org.apache.catalina.Container;
import org.apache.catalina.Context;
import org.apache.catalina.Engine;
import org.apache.catalina.Server;
import org.apache.catalina.Service;
import org.apache.catalina.connector.Connector;

/**
 * The objects of a Tomcat server that lead to every application it runs. Any application's servlet context leads to
 * its host, its service and the server's utility executor, and the listeners Tomcat and leakguard put on every context
 * keep what they know of the others; from there a reference walk reaches every other application. The cleanup engine
 * stops its walks at these objects.
 */
final class ServerWideObjects {

    private final List<Object> objects = new ArrayList<>();

    private ServerWideObjects() {
    }

    /** Those of the server {@code context} runs in, or none when it is not in a server (yet). */
    static List<Object> of(Context context) {
        ServerWideObjects found = new ServerWideObjects();
        for (Container up = context.getParent(); up != null; up = up.getParent()) {
            found.container(up);
        }
        Service service = serviceOf(context);
        Server server = service == null ? null : service.getServer();
        if (server == null) {
            found.service(service);
        } else {
            found.add(server);
            found.add(server.getUtilityExecutor());
            found.listeners(server.findLifecycleListeners());
            for (Service each : server.findServices()) {
                found.service(each);
            }
        }
        return found.objects;
    }

    /** The service {@code context} runs in, or null when it is not in one (yet). */
    static Service serviceOf(Context context) {
        Container top = context;
        while (top.getParent() != null) {
            top = top.getParent();
        }
        return top instanceof Engine engine ? engine.getService() : null;
    }

    private void service(Service service) {
        if (service == null) {
            return;
        }
        add(service);
        add(service.getMapper());
        listeners(service.findLifecycleListeners());
        for (Object executor : service.findExecutors()) {
            add(executor);
        }
        for (Connector connector : service.findConnectors()) {
            add(connector);
            if (connector.getProtocolHandler() != null) {
                add(connector.getProtocolHandler());
                add(connector.getProtocolHandler().getExecutor());
            }
        }
        Engine engine = service.getContainer();
        if (engine != null) {
            container(engine);
            for (Container host : engine.findChildren()) {
                container(host);
            }
        }
    }

    /** An engine or host, with its cluster, which keeps every application's session manager, and its listeners. */
    private void container(Container container) {
        add(container);
        add(container.getCluster());
        listeners(container.findLifecycleListeners());
        listeners(container.findContainerListeners());
    }

    private void listeners(Object[] listeners) {
        for (Object listener : listeners) {
            add(listener);
        }
    }

    private void add(Object object) {
        if (object != null) {
            objects.add(object);
        }
    }
}
