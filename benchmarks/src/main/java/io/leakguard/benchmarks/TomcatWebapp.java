package io.leakguard.benchmarks;

import java.lang.reflect.Array;
import java.lang.reflect.Proxy;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.WebResourceRoot;
import org.apache.catalina.loader.ParallelWebappClassLoader;

/**
 * Tomcat's own web application class loader holding the generated classes, started the way a context starts it, so
 * that {@link #stop()} runs Tomcat's clean-up ({@code clearReferences()}, which is private) exactly as on undeploy.
 */
final class TomcatWebapp extends ParallelWebappClassLoader implements WebappClasses.Definer {

    private TomcatWebapp(ClassLoader parent) {
        super(parent);
    }

    static TomcatWebapp started(WebappClasses classes) throws LifecycleException {
        TomcatWebapp loader = new TomcatWebapp(TomcatWebapp.class.getClassLoader());
        loader.setResources(emptyResources());
        // Before start() the loader refuses to load anything, even the java.lang.Object a definition links to.
        loader.start();
        classes.defineAll(loader);
        return loader;
    }

    @Override
    public Class<?> define(String name, byte[] code) {
        return defineClass(name, code, 0, code.length);
    }

    /**
     * A web application with nothing under WEB-INF: the classes are already defined, and a real StandardRoot would
     * need a started context, host and JMX registration around it. The clean-up asks the resources only for the
     * context's name when it logs.
     */
    private static WebResourceRoot emptyResources() {
        Context context = stub(Context.class, null);
        return stub(WebResourceRoot.class, context);
    }

    private static <T> T stub(Class<T> type, Context context) {
        Object stub = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> answer(method.getReturnType(), context));
        return type.cast(stub);
    }

    private static Object answer(Class<?> type, Context context) {
        if (type == Context.class) {
            return context;
        }
        if (type == String.class) {
            return "bench";
        }
        if (type.isArray()) {
            return Array.newInstance(type.getComponentType(), 0);
        }
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        return null;
    }
}
