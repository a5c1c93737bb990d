package io.leveros.runtime.loading;

import io.leveros.core.javaservice.ServiceClassPath;
import io.leveros.runtime.StartFailure;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * Loads the service class from its code folder and makes its instance. Every way this can fail is
 * a {@link StartFailure} whose message says what was looked for, where, and what to do.
 */
public final class ServiceLoading {
    private ServiceLoading() {}

    /**
     * Loads {@code className} with a class loader over {@link ServiceClassPath#in(Path)} whose parent
     * is the runtime's own loader (so that {@code io.leveros.api} classes are shared), and calls its
     * public no-arg constructor.
     */
    public static LoadedService load(Path codeDir, String className) {
        ServiceClassPath classPath = ServiceClassPath.in(codeDir);
        ClassLoader loader =
                new URLClassLoader("lever-service", classPath.urls(), ServiceLoading.class.getClassLoader());
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader); // for service code that looks up resources or ServiceLoaders
        try {
            Class<?> type = loadClass(loader, className, classPath);
            checkInstantiable(type);
            Object instance = instantiate(type);
            return new LoadedService(type, instance, loader);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static Class<?> loadClass(ClassLoader loader, String className, ServiceClassPath classPath) {
        try {
            return Class.forName(className, true, loader);
        } catch (ClassNotFoundException e) {
            throw new StartFailure("service class " + className + " not found in " + classPath.codeDir()
                    + " (looked in " + ServiceClassPath.searchedPlaces() + "; " + classPath.describeEntries()
                    + "); check javaEntry in lever.json and build the service before deploying it");
        } catch (UnsupportedClassVersionError e) {
            throw new StartFailure("service class " + className + " was compiled for a newer Java than this runtime's "
                    + Runtime.version().feature() + " (" + e.getMessage() + "); compile it with --release "
                    + Runtime.version().feature() + " or lower");
        } catch (ExceptionInInitializerError e) {
            throw new StartFailure("static initializer of " + className + " threw " + describe(e.getCause()));
        } catch (LinkageError e) {
            throw new StartFailure("cannot load service class " + className + ": " + describe(e)
                    + " (a class it needs is missing: put the service's dependencies in lib/)");
        }
    }

    private static void checkInstantiable(Class<?> type) {
        String name = type.getName();
        if (!Modifier.isPublic(type.getModifiers())) {
            throw new StartFailure("service class " + name + " is not public (expected: a public class)");
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw new StartFailure("service class " + name + " is " + (type.isInterface() ? "an interface" : "abstract")
                    + " (expected: a concrete class with a public no-arg constructor)");
        }
        if (type.getEnclosingClass() != null && !Modifier.isStatic(type.getModifiers())) {
            throw new StartFailure("service class " + name + " is an inner class (expected: a top-level or static"
                    + " nested class with a public no-arg constructor)");
        }
    }

    private static Object instantiate(Class<?> type) {
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new StartFailure("service class " + type.getName() + " has no public no-arg constructor"
                    + " (expected: public " + type.getSimpleName() + "())");
        }
        try {
            return constructor.newInstance();
        } catch (InvocationTargetException e) {
            throw new StartFailure("constructor of " + type.getName() + " threw " + describe(e.getCause()));
        } catch (ExceptionInInitializerError e) {
            throw new StartFailure("static initializer of " + type.getName() + " threw " + describe(e.getCause()));
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new StartFailure("cannot make an instance of " + type.getName() + ": " + describe(e));
        }
    }

    /** {@code IllegalStateException: message (at Where.java:12)}, on one line. */
    static String describe(Throwable t) {
        if (t == null) {
            return "an unknown error";
        }
        StringBuilder text = new StringBuilder(t.getClass().getName());
        if (t.getMessage() != null) {
            text.append(": ").append(t.getMessage().replace('\n', ' '));
        }
        StackTraceElement[] trace = t.getStackTrace();
        if (trace.length > 0) {
            text.append(" (at ").append(trace[0]).append(')');
        }
        if (t.getCause() != null && t.getCause() != t) {
            text.append("; caused by ").append(describe(t.getCause()));
        }
        return text.toString();
    }
}
