package io.leveros.runtime.binding;

import io.leveros.core.url.MethodNames;
import io.leveros.runtime.StartFailure;
import io.leveros.runtime.loading.LoadedService;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The methods a service exports, by name, compiled once at start-up and never changed.
 *
 * <p>Exported: the public instance methods of the class and its superclasses, except those of
 * {@code java.lang.Object} (and overrides of them such as {@code toString}), bridge and synthetic
 * methods, and methods whose name starts with {@code _}. Lever methods are called by name, so two
 * exported methods with the same name refuse the start.
 *
 * <p>Resource lifecycle: the data plane calls {@code NewResource} on the instance it binds a
 * resource to and {@code CloseResource} when it lets the resource go, with the resource in the URL
 * and no arguments. Such a call runs the service's {@code newResource()} / {@code closeResource()}
 * (Java naming) or a method literally named {@code NewResource} / {@code CloseResource}; a service
 * with neither answers {@code NOT_FOUND} like for any unknown method (the data plane logs it once).
 * The lifecycle methods take no parameters (they read {@code Lever.resource()}), so the start is
 * refused when {@code NewResource}/{@code CloseResource} is declared with parameters, or when
 * both spellings are declared. A {@code newResource}/{@code closeResource} that takes parameters is
 * an ordinary method, callable by its own name only: not the lifecycle method.
 */
public final class MethodTable {
    /** The lifecycle calls, by the name in the URL, and the Java spelling each also answers to. */
    private static final Map<String, String> LIFECYCLE =
            Map.of("NewResource", "newResource", "CloseResource", "closeResource");

    private final String className;
    private final Map<String, ServiceMethod> methods;
    /** {@code NewResource} / {@code CloseResource} when the service spells them the Java way. */
    private final Map<String, ServiceMethod> lifecycle;

    private final String exported;

    private MethodTable(String className, Map<String, ServiceMethod> methods, Map<String, ServiceMethod> lifecycle) {
        this.className = className;
        this.methods = Map.copyOf(methods);
        this.lifecycle = Map.copyOf(lifecycle);
        this.exported = String.join(", ", methods.keySet());
    }

    /**
     * Compiles the exported methods of {@code service}.
     *
     * @throws StartFailure when two exported methods share a name, or the resource lifecycle
     *     methods are declared with parameters or twice (see the class comment)
     */
    public static MethodTable build(LoadedService service, JsonMapping mapping) {
        Class<?> type = service.type();
        ReplyEncoder replies = new ReplyEncoder(mapping);
        StreamCodec streamCodec = new StreamCodec(mapping, replies);
        Map<String, ServiceMethod> methods = new LinkedHashMap<>();
        for (Map.Entry<String, List<Method>> entry : exportedMethods(type).entrySet()) {
            List<Method> overloads = entry.getValue();
            if (overloads.size() > 1) {
                throw new StartFailure("service class " + type.getName() + " has " + overloads.size()
                        + " public methods named '" + entry.getKey() + "': "
                        + overloads.stream()
                                .map(MethodTable::signature)
                                .sorted()
                                .collect(Collectors.joining(", "))
                        + "; Lever calls methods by name, so give each a distinct name (or start helpers' names"
                        + " with _ to keep them private)");
            }
            methods.put(
                    entry.getKey(),
                    ServiceMethod.compile(overloads.getFirst(), service.instance(), mapping, replies, streamCodec));
        }
        return new MethodTable(type.getName(), methods, lifecycle(type, methods));
    }

    /** The Java spellings of the lifecycle methods, by the name the data plane calls. */
    private static Map<String, ServiceMethod> lifecycle(Class<?> type, Map<String, ServiceMethod> methods) {
        Map<String, ServiceMethod> lifecycle = new HashMap<>();
        for (Map.Entry<String, String> names : LIFECYCLE.entrySet()) {
            String leverName = names.getKey();
            String javaName = names.getValue();
            ServiceMethod literal = methods.get(leverName);
            ServiceMethod java = methods.get(javaName);
            if (literal != null && literal.parameterCount() != 0) {
                throw new StartFailure("method '" + leverName + "' of " + type.getName() + " takes parameters "
                        + literal.signature() + " (expected: none): the platform calls it with no arguments when"
                        + " it binds or lets go of a resource; read the resource with Lever.resource()");
            }
            if (literal != null && java != null && java.parameterCount() == 0) {
                throw new StartFailure("service class " + type.getName() + " declares both " + leverName + "() and "
                        + javaName + "(), which both answer the call '" + leverName + "'; keep one");
            }
            if (literal == null && java != null && java.parameterCount() == 0) {
                lifecycle.put(leverName, java);
            }
        }
        return lifecycle;
    }

    /** The exported methods by name (sorted), one list per name with its distinct signatures. */
    static Map<String, List<Method>> exportedMethods(Class<?> type) {
        Map<String, List<Method>> byName = new TreeMap<>();
        Map<String, Method> bySignature = new HashMap<>();
        for (Method method : type.getMethods()) {
            if (!isExported(method)) {
                continue;
            }
            String key = method.getName() + Arrays.toString(method.getParameterTypes());
            Method seen = bySignature.get(key);
            if (seen != null) {
                // the same signature through a superclass and an interface: keep the implementation
                if (seen.getDeclaringClass().isInterface()
                        && !method.getDeclaringClass().isInterface()) {
                    byName.get(method.getName())
                            .set(byName.get(method.getName()).indexOf(seen), method);
                    bySignature.put(key, method);
                }
                continue;
            }
            bySignature.put(key, method);
            byName.computeIfAbsent(method.getName(), name -> new ArrayList<>()).add(method);
        }
        return byName;
    }

    private static boolean isExported(Method method) {
        return method.getDeclaringClass() != Object.class
                && !Modifier.isStatic(method.getModifiers())
                && !method.isBridge()
                && !method.isSynthetic()
                && MethodNames.isExported(method.getName())
                && !overridesObjectMethod(method);
    }

    private static boolean overridesObjectMethod(Method method) {
        try {
            Object.class.getMethod(method.getName(), method.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    static String signature(Method method) {
        return method.getName()
                + Arrays.stream(method.getGenericParameterTypes())
                        .map(TypeNames::describe)
                        .collect(Collectors.joining(", ", "(", ")"));
    }

    /**
     * The method named {@code name}.
     *
     * @param service the Lever service name the caller used, for the message
     * @throws CallRejectedException ({@code METHOD_NOT_FOUND}) listing the exported methods
     */
    public ServiceMethod find(String name, String service) {
        ServiceMethod method = methods.get(name);
        if (method == null) {
            method = lifecycle.get(name);
        }
        if (method == null) {
            throw new CallRejectedException(
                    CallRejectedException.Reason.METHOD_NOT_FOUND,
                    "method '" + name + "' not found in service '" + service + "' (exported: " + exported + ")");
        }
        return method;
    }

    /** The names of the exported methods, sorted. */
    public List<String> names() {
        return methods.keySet().stream().sorted().toList();
    }

    /** {@code com.example.Hello (3 methods: a, b, c)}. */
    public String describe() {
        int count = methods.size();
        return className + " (" + count + (count == 1 ? " method" : " methods") + (count == 0 ? "" : ": " + exported)
                + ")";
    }

    public String className() {
        return className;
    }
}
