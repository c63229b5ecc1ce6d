package io.callauth.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Just enough of kustomize to check what a kustomization deploys, without kustomize: resources (files and bases),
 * configMapGenerator / secretGenerator (envs, literals; behavior create, merge, replace), strategic-merge patch
 * files, images and namespace. Anything else in a kustomization fails the build with a message, so that a new
 * feature cannot slip past the checks unseen: teach this class the feature, then use it.
 *
 * <p>Generated ConfigMaps and Secrets keep their plain names (kustomize adds a content hash and rewrites the
 * references; the checks only need the names to match) and carry their data as plain strings. A secretGenerator env
 * file that is not committed (secrets.env) is read from its committed {@code .example}.
 */
final class Kustomize {

    static final Set<String> SUPPORTED = Set.of("apiVersion", "kind", "resources", "namespace", "images",
            "configMapGenerator", "secretGenerator", "patches");

    /** the rendered objects of one kustomization */
    record Build(Path dir, List<Map<String, Object>> objects) {

        List<Map<String, Object>> ofKind(String kind) {
            return objects.stream().filter(o -> kind.equals(Yaml.kind(o))).toList();
        }

        Map<String, Object> find(String kind, String name) {
            return objects.stream().filter(o -> kind.equals(Yaml.kind(o)) && name.equals(Yaml.name(o)))
                    .findFirst().orElse(null);
        }

        @Override
        public String toString() {
            return dir.toString();
        }
    }

    private Kustomize() {
    }

    static Path kustomizationFile(Path dir) {
        for (String n : List.of("kustomization.yaml", "kustomization.yml", "Kustomization")) {
            if (Files.isRegularFile(dir.resolve(n))) {
                return dir.resolve(n);
            }
        }
        return null;
    }

    static Build build(Path dir) {
        Path file = kustomizationFile(dir);
        if (file == null) {
            throw new IllegalStateException(dir + " has no kustomization.yaml");
        }
        Map<String, Object> k = Yaml.single(file);
        for (String key : k.keySet()) {
            if (!SUPPORTED.contains(key)) {
                throw new IllegalStateException(file + " uses '" + key + "', which ManifestsTest's Kustomize does not "
                        + "model: teach it (src/test/java/io/callauth/deploy/Kustomize.java) before using it");
            }
        }
        List<Map<String, Object>> objects = new ArrayList<>();
        for (String r : Yaml.strings(k, "resources")) {
            if (r.contains("://") || r.startsWith("github.com/")) {
                throw new IllegalStateException(file + ": remote resource " + r + " is not supported");
            }
            Path p = dir.resolve(r).normalize();
            if (Files.isDirectory(p)) {
                objects.addAll(Yaml.copy(build(p).objects()));
            } else if (Files.isRegularFile(p)) {
                objects.addAll(Yaml.objects(p));
            } else {
                throw new IllegalStateException(file + ": resource " + r + " does not exist");
            }
        }
        generate(file, dir, k, "configMapGenerator", "ConfigMap", objects);
        generate(file, dir, k, "secretGenerator", "Secret", objects);
        for (Map<String, Object> patch : Yaml.maps(k, "patches")) {
            if (!patch.keySet().equals(Set.of("path"))) {
                throw new IllegalStateException(file + ": only patches with a single 'path' (a strategic-merge patch "
                        + "file naming its target by kind and metadata.name) are modelled, not " + patch);
            }
            Path p = dir.resolve(Yaml.str(patch, "path")).normalize();
            if (!Files.isRegularFile(p)) {
                throw new IllegalStateException(file + ": patch " + p + " does not exist");
            }
            for (Map<String, Object> doc : Yaml.objects(p)) {
                Map<String, Object> target = objects.stream()
                        .filter(o -> Yaml.kind(doc).equals(Yaml.kind(o)) && Yaml.name(doc).equals(Yaml.name(o)))
                        .findFirst().orElseThrow(() -> new IllegalStateException(
                                p + " patches " + Yaml.kind(doc) + " " + Yaml.name(doc) + ", which the build lacks"));
                merge(target, doc, p.toString());
            }
        }
        for (Map<String, Object> image : Yaml.maps(k, "images")) {
            applyImage(image, objects);
        }
        String namespace = Yaml.str(k, "namespace");
        if (namespace != null) {
            for (Map<String, Object> o : objects) {
                Map<String, Object> md = Yaml.asMap(o.computeIfAbsent("metadata", x -> new LinkedHashMap<>()));
                if (!"Namespace".equals(Yaml.kind(o))) {
                    md.put("namespace", namespace);
                }
            }
        }
        return new Build(dir, objects);
    }

    /** the env files a generator of this kustomization reads, as written (relative to its folder) */
    static List<String> generatorEnvFiles(Map<String, Object> kustomization) {
        List<String> out = new ArrayList<>();
        for (String gen : List.of("configMapGenerator", "secretGenerator")) {
            for (Map<String, Object> g : Yaml.maps(kustomization, gen)) {
                out.addAll(Yaml.strings(g, "envs"));
            }
        }
        return out;
    }

    private static void generate(Path file, Path dir, Map<String, Object> k, String key, String kind,
                                 List<Map<String, Object>> objects) {
        for (Map<String, Object> g : Yaml.maps(k, key)) {
            for (String field : g.keySet()) {
                if (!Set.of("name", "behavior", "envs", "literals", "type").contains(field)) {
                    throw new IllegalStateException(file + ": " + key + " field '" + field + "' is not modelled");
                }
            }
            String name = Yaml.str(g, "name");
            Map<String, String> data = new LinkedHashMap<>();
            for (String env : Yaml.strings(g, "envs")) {
                Path p = dir.resolve(env).normalize();
                Path example = p.resolveSibling(p.getFileName() + ".example");
                if (Files.isRegularFile(p)) {
                    data.putAll(Yaml.envFile(p));
                } else if ("Secret".equals(kind) && Files.isRegularFile(example)) {
                    data.putAll(Yaml.envFile(example));
                } else {
                    throw new IllegalStateException(file + ": " + key + " " + name + " reads " + env
                            + ", which does not exist" + ("Secret".equals(kind) ? " (nor " + example.getFileName()
                            + ")" : ""));
                }
            }
            for (String literal : Yaml.strings(g, "literals")) {
                int eq = literal.indexOf('=');
                data.put(literal.substring(0, eq), literal.substring(eq + 1));
            }
            String behavior = g.getOrDefault("behavior", "create").toString();
            Map<String, Object> existing = objects.stream()
                    .filter(o -> kind.equals(Yaml.kind(o)) && name.equals(Yaml.name(o))).findFirst().orElse(null);
            switch (behavior) {
                case "create" -> {
                    if (existing != null) {
                        throw new IllegalStateException(file + ": " + kind + " " + name + " is generated twice");
                    }
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("apiVersion", "v1");
                    o.put("kind", kind);
                    o.put("metadata", new LinkedHashMap<>(Map.of("name", name)));
                    o.put("data", new LinkedHashMap<String, Object>(data));
                    objects.add(o);
                }
                case "merge", "replace" -> {
                    if (existing == null) {
                        throw new IllegalStateException(file + ": " + behavior + " of " + kind + " " + name
                                + ", which no base generates");
                    }
                    Map<String, Object> d = Yaml.asMap(existing.computeIfAbsent("data", x -> new LinkedHashMap<>()));
                    if (behavior.equals("replace")) {
                        d.clear();
                    }
                    d.putAll(data);
                }
                default -> throw new IllegalStateException(file + ": unknown behavior " + behavior);
            }
        }
    }

    /**
     * A strategic merge, as far as these manifests need it: mappings merge key by key, lists of mappings that all
     * have a {@code name} merge by name (containers, env, volumes, ports), every other list is replaced (as
     * kustomize does for Ingress rules and tls, which have no merge key).
     */
    static void merge(Map<String, Object> target, Map<String, Object> patch, String where) {
        for (Map.Entry<String, Object> e : patch.entrySet()) {
            String key = e.getKey();
            Object pv = e.getValue();
            if (key.startsWith("$patch") || key.startsWith("$setElementOrder") || key.startsWith("$retainKeys")) {
                throw new IllegalStateException(where + ": patch directive " + key + " is not modelled");
            }
            Object tv = target.get(key);
            if (pv == null) {
                target.remove(key);
            } else if (pv instanceof Map && tv instanceof Map) {
                merge(Yaml.asMap(tv), Yaml.asMap(pv), where);
            } else if (pv instanceof List<?> pl && tv instanceof List<?> tl && namedMaps(pl) && namedMaps(tl)) {
                List<Object> merged = new ArrayList<>(tl);
                for (Object item : pl) {
                    Map<String, Object> pm = Yaml.asMap(item);
                    Map<String, Object> tm = merged.stream().map(Yaml::asMap)
                            .filter(m -> m.get("name").equals(pm.get("name"))).findFirst().orElse(null);
                    if (tm == null) {
                        merged.add(Yaml.copy(pm));
                    } else {
                        merge(tm, pm, where);
                    }
                }
                target.put(key, merged);
            } else {
                target.put(key, Yaml.copy(pv));
            }
        }
    }

    private static boolean namedMaps(List<?> l) {
        return !l.isEmpty() && l.stream().allMatch(o -> o instanceof Map<?, ?> m && m.get("name") != null);
    }

    private static void applyImage(Map<String, Object> image, List<Map<String, Object>> objects) {
        String name = Yaml.str(image, "name");
        for (Map<String, Object> o : objects) {
            for (Map<String, Object> c : containers(o)) {
                String ref = Yaml.str(c, "image");
                if (ref == null || !imageName(ref).equals(name)) {
                    continue;
                }
                String newName = image.containsKey("newName") ? Yaml.str(image, "newName") : imageName(ref);
                String digest = Yaml.str(image, "digest");
                String tag = image.containsKey("newTag") ? Yaml.str(image, "newTag") : imageTag(ref);
                c.put("image", digest != null ? newName + "@" + digest : tag != null ? newName + ":" + tag : newName);
            }
        }
    }

    /** the containers (and init containers) of a workload's pod template */
    static List<Map<String, Object>> containers(Map<String, Object> workload) {
        List<Map<String, Object>> out = new ArrayList<>(Yaml.maps(workload, "spec", "template", "spec", "containers"));
        out.addAll(Yaml.maps(workload, "spec", "template", "spec", "initContainers"));
        return out;
    }

    /** registry/name of an image reference, without tag and digest */
    static String imageName(String ref) {
        String r = ref.contains("@") ? ref.substring(0, ref.indexOf('@')) : ref;
        int slash = r.lastIndexOf('/');
        int colon = r.lastIndexOf(':');
        return colon > slash ? r.substring(0, colon) : r;
    }

    /** the tag of an image reference, or null */
    static String imageTag(String ref) {
        String r = ref.contains("@") ? ref.substring(0, ref.indexOf('@')) : ref;
        int slash = r.lastIndexOf('/');
        int colon = r.lastIndexOf(':');
        return colon > slash ? r.substring(colon + 1) : null;
    }
}
