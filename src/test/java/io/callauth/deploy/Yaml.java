package io.callauth.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reading YAML (every document of a file) and walking the resulting maps and lists without a cast at every step.
 * Jackson's YAML module is on the classpath through quarkus-smallrye-openapi (compile scope), which is why pom.xml
 * does not declare it: a test-scoped declaration would narrow it to test scope and take it out of the application.
 */
final class Yaml {

    private static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());

    private Yaml() {
    }

    /** every non-empty document of a file, in order */
    static List<Object> documents(Path file) {
        try (var it = MAPPER.readerFor(Object.class).readValues(Files.readString(file))) {
            List<Object> docs = new ArrayList<>();
            while (it.hasNextValue()) {
                Object doc = it.nextValue();
                if (doc != null) {
                    docs.add(doc);
                }
            }
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file + ": " + e.getMessage(), e);
        }
    }

    /** the documents of a file that must all be mappings (Kubernetes objects, kustomizations, compose files) */
    static List<Map<String, Object>> objects(Path file) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object doc : documents(file)) {
            if (!(doc instanceof Map)) {
                throw new IllegalStateException(file + ": a document is not a mapping: " + doc);
            }
            out.add(asMap(doc));
        }
        return out;
    }

    static Map<String, Object> single(Path file) {
        List<Map<String, Object>> docs = objects(file);
        if (docs.size() != 1) {
            throw new IllegalStateException(file + ": expected one document, found " + docs.size());
        }
        return docs.get(0);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o) {
        return o instanceof Map ? (Map<String, Object>) o : null;
    }

    /** the value at a path of keys, or null where any step is missing or not a mapping */
    static Object at(Object root, String... path) {
        Object cur = root;
        for (String key : path) {
            Map<String, Object> m = asMap(cur);
            if (m == null) {
                return null;
            }
            cur = m.get(key);
        }
        return cur;
    }

    static Map<String, Object> map(Object root, String... path) {
        Map<String, Object> m = asMap(at(root, path));
        return m == null ? Map.of() : m;
    }

    /** the list at a path, empty when missing; elements that are mappings only */
    static List<Map<String, Object>> maps(Object root, String... path) {
        List<Map<String, Object>> out = new ArrayList<>();
        if (at(root, path) instanceof List<?> l) {
            for (Object o : l) {
                Map<String, Object> m = asMap(o);
                if (m != null) {
                    out.add(m);
                }
            }
        }
        return out;
    }

    /** the list at a path as strings, empty when missing */
    static List<String> strings(Object root, String... path) {
        List<String> out = new ArrayList<>();
        if (at(root, path) instanceof List<?> l) {
            for (Object o : l) {
                out.add(Objects.toString(o));
            }
        }
        return out;
    }

    /** the scalar at a path as a string, or null */
    static String str(Object root, String... path) {
        Object v = at(root, path);
        return v == null || v instanceof Map || v instanceof List ? null : v.toString();
    }

    static String kind(Map<String, Object> doc) {
        return str(doc, "kind");
    }

    static String name(Map<String, Object> doc) {
        return str(doc, "metadata", "name");
    }

    /** a deep copy of maps and lists (scalars are shared: they are immutable) */
    @SuppressWarnings("unchecked")
    static <T> T copy(T o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> c = new LinkedHashMap<>();
            m.forEach((k, v) -> c.put(k.toString(), copy(v)));
            return (T) c;
        }
        if (o instanceof List<?> l) {
            List<Object> c = new ArrayList<>();
            l.forEach(v -> c.add(copy(v)));
            return (T) c;
        }
        return o;
    }

    /** KEY=VALUE lines, as kustomize's envs and compose's env_file read them: '#' lines and blank lines skipped */
    static Map<String, String> envFile(Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            for (String raw : Files.readAllLines(file)) {
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalStateException(file + ": not KEY=VALUE: " + raw);
                }
                out.put(line.substring(0, eq), line.substring(eq + 1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
