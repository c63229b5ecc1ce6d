package io.callauth.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deploy kit's invariants, checked on the files themselves (no kubectl, kustomize or Docker): k8s/ (a kustomize
 * base and its overlays, rendered by {@link Kustomize}), docker-compose.yml, .dockerignore and Dockerfile.jvm.
 * Each test gathers every violation it finds and fails listing them all.
 */
class ManifestsTest {

    static final Path ROOT = root();
    static final Path K8S = ROOT.resolve("k8s");
    static final Path BASE = K8S.resolve("base");
    static final Path DOCKERFILE = ROOT.resolve("src/main/docker/Dockerfile.jvm");
    /** the one file outside the packaged app that the image build needs: the AOT cache's training run */
    static final String AOT_TRAINING = "src/main/docker/aot-train.sh";

    static final int API_PORT = 8080;
    static final int MANAGEMENT_PORT = 9000;
    static final Map<String, String> PROBES = Map.of(
            "startupProbe", "/q/health/started",
            "readinessProbe", "/q/health/ready",
            "livenessProbe", "/q/health/live");
    static final String CALLBACKS_PATH = "/callbacks/yunhu/";
    static final String MONITORING_NAMESPACE = "monitoring";

    /** what the prod profile refuses to start without (StartupCheck), whatever the chain */
    static final List<String> REQUIRED_ENV = List.of("QUARKUS_REDIS_HOSTS", "QUARKUS_DATASOURCE_JDBC_URL",
            "QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD", "CALLAUTH_API_KEYS", "CALLAUTH_CODE_SECRET",
            "CALLAUTH_PROVIDERS_CHAIN");
    /** per provider in the chain, the settings it refuses to start without (CALLAUTH_PROVIDERS_<P>_<S>) */
    static final Map<String, List<String>> PROVIDER_ENV = Map.of(
            "callpass", List.of("URL", "TOKEN"),
            "yunhu", List.of("URL", "APPID", "ACCESSKEY", "EXTNUMBER", "CALLER_IDS", "CALLBACK_SECRET"),
            "sunsim", List.of("URL", "AUTHORIZATION_TOKEN", "CALLER_IDS"),
            "runtel", List.of("URL", "LOGIN", "PASSWORD", "CALLER_IDS"));
    /** every secret the app reads: the Secret template of an overlay lists them all */
    static final List<String> SECRET_ENV = List.of("CALLAUTH_CODE_SECRET", "CALLAUTH_API_KEYS",
            "QUARKUS_DATASOURCE_PASSWORD", "QUARKUS_REDIS_PASSWORD", "CALLAUTH_PROVIDERS_CALLPASS_TOKEN",
            "CALLAUTH_PROVIDERS_YUNHU_ACCESSKEY", "CALLAUTH_PROVIDERS_YUNHU_CALLBACK_SECRET",
            "CALLAUTH_PROVIDERS_SUNSIM_AUTHORIZATION_TOKEN", "CALLAUTH_PROVIDERS_RUNTEL_PASSWORD");
    /** a key that names a secret (TOKEN only at the end: ..._TOKEN_RENEW_BEFORE is a duration) */
    static final Pattern SECRET_KEY = Pattern.compile("PASSWORD|SECRET|ACCESSKEY|API_KEYS|PRIVATE_KEY|_TOKEN$");
    /** a value that carries a credential: scheme://user:password@ or scheme://:password@, or a password parameter */
    static final Pattern SECRET_VALUE = Pattern.compile("://[^/@\\s]*:[^/@\\s]+@|(?i)[?&;]password=");

    /** the replica roles (ReplicaRoles): api, worker, or both when unset */
    static final String ROLES_ENV = "CALLAUTH_ROLES";
    static final String DEFAULT_ROLES = "api,worker";
    /** the services of docker-compose.yml that run the app, each named after its role */
    static final List<String> COMPOSE_ROLES = List.of("api", "worker");

    /** the local API key docker-compose.yml documents; CALLAUTH_API_KEYS there must hold its SHA-256 */
    static final String COMPOSE_API_KEY = "local-dev-key";

    // ---------------------------------------------------------------------------------------------- k8s/ as files

    @Test
    void everyYamlDocumentUnderK8sParsesAndSaysWhatItIs() throws IOException {
        List<String> problems = new ArrayList<>();
        List<Path> files = yamlFiles();
        assertThat(files).as("YAML files under k8s/").isNotEmpty();
        for (Path f : files) {
            List<Map<String, Object>> docs;
            try {
                docs = Yaml.objects(f);
            } catch (RuntimeException e) {
                problems.add(e.getMessage());
                continue;
            }
            if (docs.isEmpty()) {
                problems.add(rel(f) + " has no document");
            }
            for (Map<String, Object> d : docs) {
                if (Yaml.str(d, "apiVersion") == null || Yaml.kind(d) == null) {
                    problems.add(rel(f) + ": a document without apiVersion or kind");
                } else if (!"Kustomization".equals(Yaml.kind(d)) && Yaml.name(d) == null) {
                    problems.add(rel(f) + ": " + Yaml.kind(d) + " without metadata.name");
                }
                if ("Secret".equals(Yaml.kind(d))) {
                    problems.add(rel(f) + ": a Secret manifest is committed; secrets come from a secretGenerator "
                            + "reading a git-ignored env file");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void kustomizationsReferenceOnlyFilesThatExistAndOverlaysBuildOnTheBase() throws IOException {
        List<String> problems = new ArrayList<>();
        assertThat(Kustomize.kustomizationFile(BASE)).as("k8s/base/kustomization.yaml").isNotNull();
        assertThat(overlays()).as("overlays under k8s/overlays/").isNotEmpty();
        Set<Path> used = new LinkedHashSet<>();
        for (Path dir : kustomizationDirs()) {
            Path file = Kustomize.kustomizationFile(dir);
            used.add(file);
            Map<String, Object> k = Yaml.single(file);
            for (String r : Yaml.strings(k, "resources")) {
                Path p = dir.resolve(r).normalize();
                if (Files.isDirectory(p) ? Kustomize.kustomizationFile(p) == null : !Files.isRegularFile(p)) {
                    problems.add(rel(file) + ": resource " + r + " does not exist");
                }
                used.add(p);
            }
            for (Map<String, Object> patch : Yaml.maps(k, "patches")) {
                String path = Yaml.str(patch, "path");
                if (path != null) {
                    Path p = dir.resolve(path).normalize();
                    if (!Files.isRegularFile(p)) {
                        problems.add(rel(file) + ": patch " + path + " does not exist");
                    }
                    used.add(p);
                }
            }
            for (String env : Kustomize.generatorEnvFiles(k)) {
                Path p = dir.resolve(env).normalize();
                Path example = p.resolveSibling(p.getFileName() + ".example");
                if (Files.isRegularFile(example)) {
                    if (!gitIgnored(p)) {
                        problems.add(rel(p) + " (the filled-in copy of " + rel(example) + ") is not git-ignored");
                    }
                    Yaml.envFile(example).forEach((key, value) -> {
                        if (!value.isBlank()) {
                            problems.add(rel(example) + ": " + key + " has a value; the example carries names only");
                        }
                    });
                } else if (!Files.isRegularFile(p)) {
                    problems.add(rel(file) + ": generator env file " + env + " does not exist");
                }
            }
        }
        for (Path overlay : overlays()) {
            Map<String, Object> k = Yaml.single(Kustomize.kustomizationFile(overlay));
            boolean onBase = Yaml.strings(k, "resources").stream()
                    .anyMatch(r -> overlay.resolve(r).normalize().equals(BASE.normalize()));
            if (!onBase) {
                problems.add(rel(overlay) + ": its resources do not include the base (../../base)");
            }
        }
        for (Path f : yamlFiles()) {
            if (!used.contains(f.normalize())) {
                problems.add(rel(f) + " is in no kustomization (resources or patches): remove it or list it");
            }
        }
        assertThat(problems).isEmpty();
    }

    // ----------------------------------------------------------------------------------- what the builds deploy

    @Test
    void deploymentsAreHardenedSizedAndProbedOnTheManagementPort() {
        List<String> problems = new ArrayList<>();
        Integer imageUser = dockerfileUser();
        for (Kustomize.Build b : builds()) {
            List<Map<String, Object>> deployments = b.ofKind("Deployment");
            if (deployments.isEmpty()) {
                problems.add(rel(b.dir()) + ": no Deployment");
            }
            for (Map<String, Object> d : deployments) {
                String where = rel(b.dir()) + ": Deployment " + Yaml.name(d);
                Map<String, Object> pod = Yaml.map(d, "spec", "template", "spec");
                Map<String, Object> podSc = Yaml.map(pod, "securityContext");
                if (Yaml.at(podSc, "fsGroup") == null) {
                    problems.add(where + ": pod securityContext.fsGroup is not set");
                }
                List<String> tmpVolumes = Yaml.maps(pod, "volumes").stream()
                        .filter(v -> v.containsKey("emptyDir")).map(v -> Yaml.str(v, "name")).toList();
                List<Map<String, Object>> containers = Yaml.maps(pod, "containers");
                if (containers.isEmpty()) {
                    problems.add(where + ": no containers");
                }
                for (Map<String, Object> c : Kustomize.containers(d)) {
                    String cw = where + " container " + Yaml.str(c, "name");
                    String image = Yaml.str(c, "image");
                    if (image == null || image.isBlank()) {
                        problems.add(cw + ": no image");
                    } else if (!b.dir().equals(BASE) && !image.contains("@")
                            && (Kustomize.imageTag(image) == null || "latest".equals(Kustomize.imageTag(image)))) {
                        problems.add(cw + ": image " + image + " is not pinned (set newTag or digest in images:)");
                    }
                    if (!Set.of("IfNotPresent", "Always").contains(Objects.toString(Yaml.str(c, "imagePullPolicy")))) {
                        problems.add(cw + ": imagePullPolicy must be IfNotPresent or Always, is "
                                + Yaml.str(c, "imagePullPolicy"));
                    }
                    for (String section : List.of("requests", "limits")) {
                        for (String resource : List.of("cpu", "memory")) {
                            if (Yaml.str(c, "resources", section, resource) == null) {
                                problems.add(cw + ": resources." + section + "." + resource + " is not set");
                            }
                        }
                    }
                    Map<String, Object> sc = Yaml.map(c, "securityContext");
                    if (!Boolean.TRUE.equals(effective(podSc, sc, "runAsNonRoot"))) {
                        problems.add(cw + ": runAsNonRoot is not true");
                    }
                    for (String id : List.of("runAsUser", "runAsGroup")) {
                        Object v = effective(podSc, sc, id);
                        if (!(v instanceof Number n) || n.intValue() == 0) {
                            problems.add(cw + ": " + id + " must be a non-zero id, is " + v);
                        }
                    }
                    if (imageUser != null && effective(podSc, sc, "runAsUser") instanceof Number n
                            && n.intValue() != imageUser) {
                        problems.add(cw + ": runAsUser " + n + " is not the image's USER " + imageUser);
                    }
                    if (!Boolean.TRUE.equals(sc.get("readOnlyRootFilesystem"))) {
                        problems.add(cw + ": readOnlyRootFilesystem is not true");
                    }
                    if (!Boolean.FALSE.equals(sc.get("allowPrivilegeEscalation"))) {
                        problems.add(cw + ": allowPrivilegeEscalation is not false");
                    }
                    if (!Yaml.strings(sc, "capabilities", "drop").contains("ALL")) {
                        problems.add(cw + ": capabilities do not drop ALL");
                    }
                    if (!Yaml.strings(sc, "capabilities", "add").isEmpty()) {
                        problems.add(cw + ": capabilities add " + Yaml.strings(sc, "capabilities", "add"));
                    }
                    Object seccomp = sc.containsKey("seccompProfile") ? Yaml.str(sc, "seccompProfile", "type")
                            : Yaml.str(podSc, "seccompProfile", "type");
                    if (!"RuntimeDefault".equals(seccomp)) {
                        problems.add(cw + ": seccompProfile type is not RuntimeDefault, is " + seccomp);
                    }
                    if (Kustomize.containers(d).indexOf(c) >= containers.size()) {
                        continue; // an init container needs neither ports nor probes
                    }
                    boolean servesApi = roles(b, d).contains("api");
                    if (servesApi && !Objects.equals(containerPort(c, "http"), API_PORT)) {
                        problems.add(cw + ": no container port http " + API_PORT + " (its roles " + roles(b, d)
                                + " include api)");
                    }
                    if (!servesApi && (containerPort(c, API_PORT) != null || containerPort(c, "http") != null)) {
                        problems.add(cw + ": declares the API port (http, " + API_PORT + "), yet its roles "
                                + roles(b, d) + " open none");
                    }
                    if (!Objects.equals(containerPort(c, "management"), MANAGEMENT_PORT)) {
                        problems.add(cw + ": no container port management " + MANAGEMENT_PORT);
                    }
                    PROBES.forEach((probe, path) -> {
                        Map<String, Object> get = Yaml.map(c, probe, "httpGet");
                        if (get.isEmpty()) {
                            problems.add(cw + ": no " + probe + " with httpGet");
                            return;
                        }
                        if (!path.equals(Yaml.str(get, "path"))) {
                            problems.add(cw + ": " + probe + " path is " + Yaml.str(get, "path") + ", not " + path);
                        }
                        Integer port = containerPort(c, get.get("port"));
                        if (!Objects.equals(port, MANAGEMENT_PORT)) {
                            problems.add(cw + ": " + probe + " port " + get.get("port") + " is " + port
                                    + ", not the management port " + MANAGEMENT_PORT);
                        }
                    });
                    boolean tmp = Yaml.maps(c, "volumeMounts").stream().anyMatch(m -> "/tmp".equals(
                            Yaml.str(m, "mountPath")) && tmpVolumes.contains(Yaml.str(m, "name")));
                    if (!tmp) {
                        problems.add(cw + ": /tmp is not an emptyDir mount (the root filesystem is read-only)");
                    }
                    List<Map<String, Object>> envFrom = Yaml.maps(c, "envFrom");
                    if (envFrom.stream().noneMatch(e -> e.containsKey("configMapRef"))
                            || envFrom.stream().noneMatch(e -> e.containsKey("secretRef"))) {
                        problems.add(cw + ": envFrom needs a configMapRef and a secretRef");
                    }
                }
                Map<String, String> annotations = stringMap(Yaml.map(d, "spec", "template", "metadata", "annotations"));
                if ("true".equals(annotations.get("prometheus.io/scrape"))
                        && (!String.valueOf(MANAGEMENT_PORT).equals(annotations.get("prometheus.io/port"))
                        || !"/q/metrics".equals(annotations.get("prometheus.io/path")))) {
                    problems.add(where + ": prometheus.io annotations must point at " + MANAGEMENT_PORT
                            + " /q/metrics, are " + annotations);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyReferencedConfigMapAndSecretExists() {
        List<String> problems = new ArrayList<>();
        List<Kustomize.Build> overlayBuilds = overlays().stream().map(Kustomize::build).toList();
        for (Kustomize.Build b : builds()) {
            boolean base = b.dir().equals(BASE);
            for (Map<String, Object> o : b.objects()) {
                for (String[] ref : references(o)) {
                    String kind = ref[0];
                    String name = ref[1];
                    if (b.find(kind, name) != null) {
                        continue;
                    }
                    // the base leaves the Secret to its overlays: then every overlay must provide it
                    boolean everyOverlay = base && !overlayBuilds.isEmpty()
                            && overlayBuilds.stream().allMatch(ob -> ob.find(kind, name) != null);
                    if (!everyOverlay) {
                        problems.add(rel(b.dir()) + ": " + Yaml.kind(o) + " " + Yaml.name(o) + " references " + kind
                                + " " + name + ", which " + (base
                                ? "neither the base nor every overlay defines or generates"
                                : "this build neither defines nor generates"));
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void noConfigMapCarriesASecret() {
        List<String> problems = new ArrayList<>();
        for (Kustomize.Build b : builds()) {
            for (Map<String, Object> cm : b.ofKind("ConfigMap")) {
                stringMap(Yaml.map(cm, "data")).forEach((key, value) -> {
                    String where = rel(b.dir()) + ": ConfigMap " + Yaml.name(cm) + " key " + key;
                    if (SECRET_KEY.matcher(key.toUpperCase().replace('.', '_').replace('-', '_')).find()) {
                        problems.add(where + " looks secret: it belongs in the Secret");
                    }
                    if (SECRET_VALUE.matcher(value).find()) {
                        problems.add(where + " carries a credential in its value: the password goes in the Secret");
                    }
                });
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyOverlayConfiguresWhatTheAppRequires() {
        List<String> problems = new ArrayList<>();
        for (Path overlay : overlays()) {
            Kustomize.Build b = Kustomize.build(overlay);
            // every Deployment's pods on their own: the API's and the workers' both start only when complete
            for (Map<String, Object> d : b.ofKind("Deployment")) {
                Map<String, String> env = new LinkedHashMap<>();
                Set<String> secretKeys = new TreeSet<>();
                for (Map<String, Object> c : Yaml.maps(d, "spec", "template", "spec", "containers")) {
                    for (Map<String, Object> from : Yaml.maps(c, "envFrom")) {
                        String cm = Yaml.str(from, "configMapRef", "name");
                        String secret = Yaml.str(from, "secretRef", "name");
                        if (cm != null && b.find("ConfigMap", cm) != null) {
                            env.putAll(stringMap(Yaml.map(b.find("ConfigMap", cm), "data")));
                        }
                        if (secret != null && b.find("Secret", secret) != null) {
                            Map<String, String> data = stringMap(Yaml.map(b.find("Secret", secret), "data"));
                            secretKeys.addAll(data.keySet());
                            env.putAll(data);
                        }
                    }
                    for (Map<String, Object> e : Yaml.maps(c, "env")) {
                        env.put(Yaml.str(e, "name"), Objects.toString(Yaml.str(e, "value"), ""));
                    }
                }
                String where = rel(overlay) + ": Deployment " + Yaml.name(d);
                for (String missing : missingEnv(env)) {
                    problems.add(where + ": the pods get no " + missing);
                }
                for (String s : SECRET_ENV) {
                    if (!secretKeys.contains(s)) {
                        problems.add(where + ": the Secret (template) it reads does not list " + s);
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void ingressExposesOnlyTheYunhuCallbacksOverTls() {
        List<String> problems = new ArrayList<>();
        for (Kustomize.Build b : builds()) {
            boolean overlay = !b.dir().equals(BASE);
            List<Map<String, Object>> ingresses = b.ofKind("Ingress");
            if (ingresses.isEmpty()) {
                problems.add(rel(b.dir()) + ": no Ingress for the Yunhu callbacks");
            }
            for (Map<String, Object> ing : ingresses) {
                String where = rel(b.dir()) + ": Ingress " + Yaml.name(ing);
                if (Yaml.at(ing, "spec", "defaultBackend") != null) {
                    problems.add(where + ": a defaultBackend exposes everything");
                }
                List<Map<String, Object>> rules = Yaml.maps(ing, "spec", "rules");
                if (rules.isEmpty()) {
                    problems.add(where + ": no rules");
                }
                Set<String> tlsHosts = new TreeSet<>();
                Yaml.maps(ing, "spec", "tls").forEach(t -> tlsHosts.addAll(Yaml.strings(t, "hosts")));
                for (Map<String, Object> rule : rules) {
                    String host = Yaml.str(rule, "host");
                    if (overlay && (host == null || !tlsHosts.contains(host))) {
                        problems.add(where + ": host " + host + " is not served over TLS (spec.tls), yet the "
                                + "callback path carries a secret");
                    }
                    for (Map<String, Object> path : Yaml.maps(rule, "http", "paths")) {
                        if (!CALLBACKS_PATH.equals(Yaml.str(path, "path"))
                                || !"Prefix".equals(Yaml.str(path, "pathType"))) {
                            problems.add(where + ": exposes " + Yaml.str(path, "pathType") + " "
                                    + Yaml.str(path, "path") + "; only Prefix " + CALLBACKS_PATH + " may be public");
                        }
                        String svc = Yaml.str(path, "backend", "service", "name");
                        Object port = Yaml.at(path, "backend", "service", "port", "name") != null
                                ? Yaml.at(path, "backend", "service", "port", "name")
                                : Yaml.at(path, "backend", "service", "port", "number");
                        Integer target = servicePortTarget(b, svc, port);
                        if (!Objects.equals(target, API_PORT)) {
                            problems.add(where + ": backend " + svc + ":" + port + " reaches container port " + target
                                    + ", not the API port " + API_PORT);
                        }
                    }
                    if (Yaml.maps(rule, "http", "paths").isEmpty()) {
                        problems.add(where + ": a rule without paths");
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void apiAndWorkerAreTwoDeploymentsOfOneImageWhoseSelectorsDoNotOverlap() {
        List<String> problems = new ArrayList<>();
        for (Kustomize.Build b : builds()) {
            String at = rel(b.dir()) + ": ";
            List<Map<String, Object>> deployments = b.ofKind("Deployment");
            for (String role : List.of("api", "worker")) {
                List<String> names = deployments.stream().filter(d -> roles(b, d).equals(Set.of(role)))
                        .map(Yaml::name).toList();
                if (names.size() != 1) {
                    problems.add(at + "want exactly one Deployment with " + ROLES_ENV + "=" + role + ", have "
                            + names);
                }
            }
            for (Map<String, Object> d : deployments) {
                Set<String> roles = roles(b, d);
                if (!roles.equals(Set.of("api")) && !roles.equals(Set.of("worker"))) {
                    problems.add(at + "Deployment " + Yaml.name(d) + " runs the roles " + roles + "; set "
                            + ROLES_ENV + " to api or to worker (both would run the background jobs beside the API)");
                }
            }
            Set<String> images = new TreeSet<>();
            deployments.forEach(d -> images.add(Objects.toString(Yaml.str(firstContainer(d), "image"))));
            if (images.size() > 1) {
                problems.add(at + "the Deployments run different images " + images + "; the roles are one image");
            }
            for (int i = 0; i < deployments.size(); i++) {
                Map<String, Object> d = deployments.get(i);
                String w = at + "Deployment " + Yaml.name(d);
                Map<String, Object> selector = Yaml.map(d, "spec", "selector");
                if (!selector.keySet().equals(Set.of("matchLabels"))) {
                    problems.add(w + ": a selector of anything but matchLabels is not modelled here: " + selector);
                }
                if (!selects(Yaml.map(selector, "matchLabels"), podLabels(d))) {
                    problems.add(w + ": its selector does not match its own pod labels");
                }
                for (Map<String, Object> other : deployments.subList(i + 1, deployments.size())) {
                    Map<String, Object> theirs = Yaml.map(other, "spec", "selector", "matchLabels");
                    if (overlap(Yaml.map(selector, "matchLabels"), theirs)) {
                        problems.add(w + " and Deployment " + Yaml.name(other) + ": their selectors "
                                + Yaml.map(selector, "matchLabels") + " and " + theirs + " overlap (no label tells "
                                + "their pods apart); each would count the other's pods as its own");
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void servicesDisruptionBudgetsAutoscalersPoliciesAndMonitoringEachFitOneDeployment() {
        List<String> problems = new ArrayList<>();
        for (Kustomize.Build b : builds()) {
            String at = rel(b.dir()) + ": ";
            List<Map<String, Object>> deployments = b.ofKind("Deployment");

            List<Map<String, Object>> services = b.ofKind("Service");
            if (services.isEmpty()) {
                problems.add(at + "no Service");
            }
            for (Map<String, Object> s : services) {
                String w = at + "Service " + Yaml.name(s);
                Map<String, Object> d = onlyDeployment(w, b, Yaml.map(s, "spec", "selector"), problems);
                if (d == null) {
                    continue;
                }
                for (Map<String, Object> p : Yaml.maps(s, "spec", "ports")) {
                    Object target = p.containsKey("targetPort") ? p.get("targetPort") : p.get("port");
                    if (containerPort(firstContainer(d), target) == null) {
                        problems.add(w + " port " + Yaml.str(p, "name") + " targets " + target + ", which no "
                                + "container port of Deployment " + Yaml.name(d) + " is");
                    }
                }
            }

            List<Map<String, Object>> pdbs = b.ofKind("PodDisruptionBudget");
            for (Map<String, Object> pdb : pdbs) {
                String w = at + "PodDisruptionBudget " + Yaml.name(pdb);
                if (!"policy/v1".equals(Yaml.str(pdb, "apiVersion"))) {
                    problems.add(w + " is not policy/v1");
                }
                onlyDeployment(w, b, Yaml.map(pdb, "spec", "selector", "matchLabels"), problems);
                if (Yaml.at(pdb, "spec", "minAvailable") == null && Yaml.at(pdb, "spec", "maxUnavailable") == null) {
                    problems.add(w + " sets neither minAvailable nor maxUnavailable");
                }
            }
            for (Map<String, Object> d : deployments) {
                List<String> covering = pdbs.stream()
                        .filter(p -> selects(Yaml.map(p, "spec", "selector", "matchLabels"), podLabels(d)))
                        .map(Yaml::name).toList();
                if (covering.isEmpty()) {
                    problems.add(at + "no PodDisruptionBudget covers Deployment " + Yaml.name(d) + "'s pods: a drain "
                            + "may take them all at once");
                } else if (covering.size() > 1) {
                    problems.add(at + "Deployment " + Yaml.name(d) + "'s pods are under the PodDisruptionBudgets "
                            + covering + "; eviction refuses a pod under more than one");
                }
            }

            List<Map<String, Object>> hpas = b.ofKind("HorizontalPodAutoscaler");
            Map<String, List<String>> autoscalers = new LinkedHashMap<>();
            for (Map<String, Object> hpa : hpas) {
                String w = at + "HorizontalPodAutoscaler " + Yaml.name(hpa);
                if (!"autoscaling/v2".equals(Yaml.str(hpa, "apiVersion"))) {
                    problems.add(w + " is not autoscaling/v2");
                }
                Map<String, Object> ref = Yaml.map(hpa, "spec", "scaleTargetRef");
                if (!"Deployment".equals(Yaml.str(ref, "kind")) || !"apps/v1".equals(Yaml.str(ref, "apiVersion"))
                        || b.find("Deployment", Objects.toString(Yaml.str(ref, "name"))) == null) {
                    problems.add(w + " does not target a Deployment of the build: " + ref);
                } else {
                    autoscalers.computeIfAbsent(Yaml.str(ref, "name"), k -> new ArrayList<>()).add(Yaml.name(hpa));
                }
                boolean cpu = Yaml.maps(hpa, "spec", "metrics").stream().anyMatch(m -> "Resource".equals(
                        Yaml.str(m, "type")) && "cpu".equals(Yaml.str(m, "resource", "name")));
                if (!cpu) {
                    problems.add(w + " has no CPU resource metric");
                }
                Object min = Yaml.at(hpa, "spec", "minReplicas");
                Object max = Yaml.at(hpa, "spec", "maxReplicas");
                if (!(min instanceof Number mn) || mn.intValue() < 2 || !(max instanceof Number mx)
                        || mx.intValue() < mn.intValue()) {
                    problems.add(w + ": want 2 <= minReplicas <= maxReplicas, have " + min + ".." + max);
                }
            }
            for (Map<String, Object> d : deployments) {
                String w = at + "Deployment " + Yaml.name(d);
                List<String> mine = autoscalers.getOrDefault(Yaml.name(d), List.of());
                Object replicas = Yaml.at(d, "spec", "replicas");
                if (mine.size() > 1) {
                    problems.add(w + " has " + mine.size() + " autoscalers " + mine + ", which would fight");
                } else if (mine.size() == 1 && replicas != null) {
                    problems.add(w + " sets spec.replicas, which every apply would reset under the autoscaler; set "
                            + "the HPA's minReplicas instead");
                } else if (mine.isEmpty() && roles(b, d).contains("api")) {
                    problems.add(w + " serves the API but has no HorizontalPodAutoscaler");
                } else if (mine.isEmpty() && !(replicas instanceof Number n && n.intValue() >= 2)) {
                    problems.add(w + " has no autoscaler and spec.replicas " + replicas + "; want at least 2, so that "
                            + "one survives another's drain or death");
                }
            }

            List<Map<String, Object>> policies = b.ofKind("NetworkPolicy");
            if (policies.isEmpty()) {
                problems.add(at + "no NetworkPolicy");
            }
            Set<Object> egress = new LinkedHashSet<>();
            for (Map<String, Object> np : policies) {
                String w = at + "NetworkPolicy " + Yaml.name(np);
                Map<String, Object> d = onlyDeployment(w, b, Yaml.map(np, "spec", "podSelector", "matchLabels"),
                        problems);
                if (d != null) {
                    checkNetworkPolicy(w, np, roles(b, d).contains("api"), problems);
                }
                egress.add(Yaml.at(np, "spec", "egress"));
            }
            if (egress.size() > 1) {
                problems.add(at + "the NetworkPolicies let out different traffic; the API and the workers both need "
                        + "DNS, Redis, PostgreSQL and the providers: " + egress);
            }
            for (Map<String, Object> d : deployments) {
                boolean covered = policies.stream().anyMatch(np -> selects(
                        Yaml.map(np, "spec", "podSelector", "matchLabels"), podLabels(d)));
                if (!covered) {
                    problems.add(at + "no NetworkPolicy selects Deployment " + Yaml.name(d) + "'s pods: anything "
                            + "may reach them");
                }
                for (Map<String, Object> tsc : Yaml.maps(d, "spec", "template", "spec", "topologySpreadConstraints")) {
                    onlyDeployment(at + "Deployment " + Yaml.name(d) + ": a topologySpreadConstraint", b,
                            Yaml.map(tsc, "labelSelector", "matchLabels"), problems);
                    List<Map<String, Object>> spread = selected(b, Yaml.map(tsc, "labelSelector", "matchLabels"));
                    if (spread.size() == 1 && spread.get(0) != d) {
                        problems.add(at + "Deployment " + Yaml.name(d) + " spreads its pods by another Deployment's ("
                                + Yaml.name(spread.get(0)) + ")");
                    }
                }
            }

            List<Map<String, Object>> monitors = b.ofKind("ServiceMonitor");
            for (Map<String, Object> sm : monitors) {
                String w = at + "ServiceMonitor " + Yaml.name(sm);
                List<Map<String, Object>> scraped = services.stream()
                        .filter(s -> selects(Yaml.map(sm, "spec", "selector", "matchLabels"),
                                stringMap(Yaml.map(s, "metadata", "labels"))))
                        .toList();
                if (scraped.isEmpty()) {
                    problems.add(w + " selects no Service of the build");
                }
                List<Map<String, Object>> endpoints = Yaml.maps(sm, "spec", "endpoints");
                if (endpoints.isEmpty()) {
                    problems.add(w + " has no endpoints");
                }
                for (Map<String, Object> svc : scraped) {
                    for (Map<String, Object> e : endpoints) {
                        Integer target = servicePortTarget(b, Yaml.name(svc), Yaml.str(e, "port"));
                        if (!Objects.equals(target, MANAGEMENT_PORT) || !"/q/metrics".equals(Yaml.str(e, "path"))) {
                            problems.add(w + " scrapes Service " + Yaml.name(svc) + " on " + Yaml.str(e, "port")
                                    + " (container port " + target + ") " + Yaml.str(e, "path") + ", not "
                                    + MANAGEMENT_PORT + " /q/metrics");
                        }
                    }
                }
            }
            for (Map<String, Object> d : deployments) {
                boolean monitored = monitors.stream().anyMatch(sm -> services.stream().anyMatch(s ->
                        selects(Yaml.map(sm, "spec", "selector", "matchLabels"),
                                stringMap(Yaml.map(s, "metadata", "labels")))
                                && selects(Yaml.map(s, "spec", "selector"), podLabels(d))));
                boolean annotated = "true".equals(Yaml.str(d, "spec", "template", "metadata", "annotations",
                        "prometheus.io/scrape"));
                if (!monitors.isEmpty() && !monitored) {
                    problems.add(at + "no ServiceMonitor reaches Deployment " + Yaml.name(d) + "'s pods (through a "
                            + "Service that selects them): its metrics go unscraped");
                } else if (!b.dir().equals(BASE) && monitors.isEmpty() && !annotated) {
                    problems.add(at + "nothing has Prometheus scrape Deployment " + Yaml.name(d) + "'s pods "
                            + "(ServiceMonitor or prometheus.io annotations)");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    // ---------------------------------------------------------------------------------- docker-compose, the image

    @Test
    void composeRunsTheApiAndTheWorkerOfThePackagedAppWiredLikeProduction() throws Exception {
        List<String> problems = new ArrayList<>();
        Path composeFile = ROOT.resolve("docker-compose.yml");
        Map<String, Object> compose = Yaml.single(composeFile);
        Map<String, Object> services = Yaml.map(compose, "services");
        Map<String, Map<String, String>> envs = new LinkedHashMap<>();
        for (String role : COMPOSE_ROLES) {
            Map<String, Object> app = Yaml.map(services, role);
            if (app.isEmpty()) {
                problems.add("docker-compose.yml: no service " + role);
                continue;
            }
            if (!Objects.equals(Yaml.str(app, "build", "dockerfile"), ROOT.relativize(DOCKERFILE).toString())
                    || !Set.of(".", "./").contains(Objects.toString(Yaml.str(app, "build", "context")))) {
                problems.add(role + " is not built from the repository root with " + ROOT.relativize(DOCKERFILE));
            }
            Map<String, String> env = new LinkedHashMap<>();
            Object envFiles = Yaml.at(app, "env_file");
            for (String f : envFiles instanceof List ? Yaml.strings(app, "env_file")
                    : envFiles == null ? List.<String>of() : List.of(envFiles.toString())) {
                Path p = ROOT.resolve(f).normalize();
                if (Files.isRegularFile(p)) {
                    env.putAll(Yaml.envFile(p));
                } else {
                    problems.add(role + "'s env_file " + f + " does not exist");
                }
            }
            Object environment = Yaml.at(app, "environment");
            if (environment instanceof Map<?, ?> m) {
                m.forEach((k, v) -> env.put(k.toString(), Objects.toString(v, "")));
            } else if (environment instanceof List<?> l) {
                for (Object o : l) {
                    String s = o.toString();
                    int eq = s.indexOf('=');
                    env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
                }
            }
            envs.put(role, env);
            for (String missing : missingEnv(env)) {
                problems.add(role + " in docker-compose.yml gets no " + missing);
            }
            if (!role.equals(env.get(ROLES_ENV))) {
                problems.add(role + " in docker-compose.yml runs " + ROLES_ENV + "="
                        + env.getOrDefault(ROLES_ENV, "(unset: " + DEFAULT_ROLES + ")") + ", not " + role);
            }
            String codeSecret = env.getOrDefault("CALLAUTH_CODE_SECRET", "");
            if (codeSecret.length() < 32) {
                problems.add("CALLAUTH_CODE_SECRET of " + role + " in docker-compose.yml is shorter than 32 "
                        + "characters");
            }
            String keyHash = sha256(COMPOSE_API_KEY);
            if (!env.getOrDefault("CALLAUTH_API_KEYS", "").contains(":" + keyHash)
                    || !Files.readString(composeFile).contains(COMPOSE_API_KEY)) {
                problems.add("CALLAUTH_API_KEYS of " + role + " in docker-compose.yml does not hold sha256(\""
                        + COMPOSE_API_KEY + "\") = " + keyHash + ", the key its comments document");
            }
            Set<Integer> published = new TreeSet<>();
            for (String port : Yaml.strings(app, "ports")) {
                if (!port.startsWith("127.0.0.1:")) {
                    problems.add(role + " publishes " + port + " beyond 127.0.0.1");
                }
                String[] parts = port.split(":");
                published.add(Integer.parseInt(parts[parts.length - 1].replaceAll("/.*", "")));
            }
            if (Yaml.at(app, "expose") != null) {
                problems.add(role + " declares expose: " + Yaml.at(app, "expose") + "; nothing needs it");
            }
            if ("api".equals(role) && !published.containsAll(List.of(API_PORT, MANAGEMENT_PORT))) {
                problems.add("api publishes container ports " + published + ", not " + API_PORT + " and "
                        + MANAGEMENT_PORT);
            }
            if (!"api".equals(role) && (!published.isEmpty() || Yaml.at(app, "ports") != null)) {
                problems.add(role + " publishes " + Yaml.at(app, "ports") + "; it has no API port, and the host's "
                        + MANAGEMENT_PORT + " is api's");
            }
            for (String dep : List.of("redis", "postgres")) {
                if (!"service_healthy".equals(Yaml.str(app, "depends_on", dep, "condition"))) {
                    problems.add(role + " does not wait for " + dep + " to be healthy (depends_on condition)");
                }
            }
            String healthcheck = Yaml.strings(app, "healthcheck", "test").toString();
            if (!healthcheck.contains(":" + MANAGEMENT_PORT) && !healthcheck.contains("/" + MANAGEMENT_PORT)) {
                problems.add(role + "'s healthcheck does not ask the management port " + MANAGEMENT_PORT + ": "
                        + healthcheck);
            }
            if (!Boolean.TRUE.equals(Yaml.at(app, "read_only")) || Yaml.strings(app, "tmpfs").stream()
                    .noneMatch(t -> t.equals("/tmp") || t.startsWith("/tmp:"))) {
                problems.add(role + " does not run read-only with a /tmp tmpfs, as in Kubernetes");
            }
        }
        Map<String, Object> api = Yaml.map(services, "api");
        Map<String, Object> worker = Yaml.map(services, "worker");
        if (!Objects.equals(Yaml.at(api, "image"), Yaml.at(worker, "image"))
                || !Objects.equals(Yaml.at(api, "build"), Yaml.at(worker, "build"))) {
            problems.add("api and worker are not the same image: " + Yaml.at(api, "image") + " " + Yaml.at(api, "build")
                    + " vs " + Yaml.at(worker, "image") + " " + Yaml.at(worker, "build"));
        }
        if (envs.size() == COMPOSE_ROLES.size()) {
            Map<String, String> a = new TreeMap<>(envs.get("api"));
            Map<String, String> w = new TreeMap<>(envs.get("worker"));
            a.remove(ROLES_ENV);
            w.remove(ROLES_ENV);
            if (!a.equals(w)) {
                Set<String> differ = new TreeSet<>(a.keySet());
                differ.addAll(w.keySet());
                differ.removeIf(k -> Objects.equals(a.get(k), w.get(k)));
                problems.add("api and worker in docker-compose.yml differ in " + differ + " (beyond " + ROLES_ENV
                        + "); keep their settings alike");
            }
        }
        services.forEach((name, s) -> {
            boolean app = Objects.equals(Yaml.at(s, "image"), Yaml.at(api, "image"))
                    || Yaml.at(s, "build") != null;
            if (app && !COMPOSE_ROLES.contains(name)) {
                problems.add("service " + name + " runs the app besides api and worker");
            }
        });
        for (String s : List.of("redis", "postgres")) {
            if (Yaml.strings(services, s, "healthcheck", "test").isEmpty()
                    && Yaml.str(services, s, "healthcheck", "test") == null) {
                problems.add("service " + s + " has no healthcheck");
            }
        }
        String redis = Objects.toString(Yaml.str(services, "redis", "image"), "");
        String postgres = Objects.toString(Yaml.str(services, "postgres", "image"), "");
        if (!redis.matches("redis:7([.-].*)?")) {
            problems.add("redis image " + redis + " is not Redis 7");
        }
        if (!postgres.matches("postgres:1[67]([.-].*)?")) {
            problems.add("postgres image " + postgres + " is not PostgreSQL 16 or 17");
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void imageBuildContextIsThePackagedAppOnly() throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> patterns = Files.readAllLines(ROOT.resolve(".dockerignore")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        if (patterns.isEmpty() || !patterns.get(0).equals("*")) {
            problems.add(".dockerignore must start by excluding everything (*), then let in what the image needs");
        }
        List<String> allowed = patterns.stream().filter(p -> p.startsWith("!")).map(p -> p.substring(1)).toList();
        for (String a : allowed) {
            if (!a.startsWith("target/quarkus-app/") && !a.equals(AOT_TRAINING)) {
                problems.add(".dockerignore lets in " + a + ", which is not under target/quarkus-app/");
            }
        }
        List<String> dockerfile = Files.readAllLines(DOCKERFILE);
        for (String line : dockerfile) {
            String l = line.strip();
            if (l.startsWith("COPY ") || l.startsWith("ADD ")) {
                String[] words = l.split("\\s+");
                List<String> sources = new ArrayList<>();
                for (int i = 1; i < words.length - 1; i++) {
                    if (!words[i].startsWith("--")) {
                        sources.add(words[i]);
                    }
                }
                for (String src : sources) {
                    if (!src.startsWith("target/quarkus-app/") && !src.equals(AOT_TRAINING)) {
                        problems.add("Dockerfile.jvm copies " + src + ", which .dockerignore keeps out");
                    }
                }
            }
        }
        Integer user = dockerfileUser();
        if (user == null || user == 0) {
            problems.add("Dockerfile.jvm does not end with a numeric non-root USER (Kubernetes' runAsNonRoot "
                    + "needs one)");
        }
        String expose = dockerfile.stream().filter(l -> l.strip().startsWith("EXPOSE ")).findFirst().orElse("");
        if (!expose.contains(String.valueOf(API_PORT)) || !expose.contains(String.valueOf(MANAGEMENT_PORT))) {
            problems.add("Dockerfile.jvm does not EXPOSE " + API_PORT + " and " + MANAGEMENT_PORT);
        }
        assertThat(problems).isEmpty();
    }

    /** the probes and the scraping need the app to serve health and metrics on the management port */
    @Test
    void theAppServesHealthAndMetricsOnTheManagementPort() throws IOException {
        Properties props = new Properties();
        try (var in = Files.newBufferedReader(ROOT.resolve("src/main/resources/application.properties"),
                StandardCharsets.UTF_8)) {
            props.load(in);
        }
        String enabled = props.getProperty("%prod.quarkus.management.enabled",
                props.getProperty("quarkus.management.enabled", "false"));
        String port = props.getProperty("%prod.quarkus.management.port",
                props.getProperty("quarkus.management.port", String.valueOf(MANAGEMENT_PORT)));
        String httpPort = props.getProperty("%prod.quarkus.http.port",
                props.getProperty("quarkus.http.port", String.valueOf(API_PORT)));
        assertThat(enabled).as("quarkus.management.enabled in application.properties (build time): the probes, "
                + "the ServiceMonitor and the compose healthcheck use port " + MANAGEMENT_PORT).isEqualTo("true");
        assertThat(port).as("quarkus.management.port").isEqualTo(String.valueOf(MANAGEMENT_PORT));
        assertThat(httpPort).as("quarkus.http.port").isEqualTo(String.valueOf(API_PORT));
    }

    // --------------------------------------------------------------------------------------------------- helpers

    /**
     * One NetworkPolicy, for the pods of one Deployment: the API's admit the API port and the management port, the
     * workers' the management port and never the API port (they open none); only the monitoring namespace reaches
     * the management port; out, DNS, Redis, PostgreSQL and HTTPS.
     */
    static void checkNetworkPolicy(String w, Map<String, Object> np, boolean api, List<String> problems) {
        List<String> types = Yaml.strings(np, "spec", "policyTypes");
        if (!types.containsAll(List.of("Ingress", "Egress"))) {
            problems.add(w + " policyTypes " + types + " do not include both Ingress and Egress");
        }
        Set<Integer> inPorts = new TreeSet<>();
        for (Map<String, Object> rule : Yaml.maps(np, "spec", "ingress")) {
            List<Map<String, Object>> ports = Yaml.maps(rule, "ports");
            List<Map<String, Object>> from = Yaml.maps(rule, "from");
            if (ports.isEmpty() || from.isEmpty()) {
                problems.add(w + ": an ingress rule without ports or without from admits everything: " + rule);
            }
            for (Map<String, Object> p : ports) {
                Object port = p.get("port");
                boolean management = Objects.equals(port, MANAGEMENT_PORT) || "management".equals(port);
                inPorts.add(management ? MANAGEMENT_PORT : "http".equals(port) ? API_PORT
                        : port instanceof Number n ? n.intValue() : -1);
                if (management) {
                    for (Map<String, Object> peer : from) {
                        boolean monitoring = peer.keySet().equals(Set.of("namespaceSelector"))
                                && MONITORING_NAMESPACE.equals(Yaml.str(peer, "namespaceSelector", "matchLabels",
                                "kubernetes.io/metadata.name"));
                        if (!monitoring) {
                            problems.add(w + ": the management port is open to " + peer + ", not only to the "
                                    + MONITORING_NAMESPACE + " namespace");
                        }
                    }
                }
            }
        }
        if (api && !inPorts.containsAll(List.of(API_PORT, MANAGEMENT_PORT))) {
            problems.add(w + " admits ports " + inPorts + " to the API's pods, want " + API_PORT + " and "
                    + MANAGEMENT_PORT);
        }
        if (!api && (!inPorts.contains(MANAGEMENT_PORT) || inPorts.contains(API_PORT))) {
            problems.add(w + " admits ports " + inPorts + " to the workers' pods, want " + MANAGEMENT_PORT
                    + " and never " + API_PORT);
        }
        Set<String> outPorts = new TreeSet<>();
        for (Map<String, Object> rule : Yaml.maps(np, "spec", "egress")) {
            for (Map<String, Object> p : Yaml.maps(rule, "ports")) {
                outPorts.add(Objects.toString(p.getOrDefault("protocol", "TCP")) + "/" + p.get("port"));
            }
        }
        for (String need : List.of("UDP/53", "TCP/6379", "TCP/5432", "TCP/443")) {
            if (!outPorts.contains(need)) {
                problems.add(w + " lets out " + outPorts + ", lacking " + need);
            }
        }
    }

    /**
     * A Deployment's replica roles, as its pods read them: {@value #ROLES_ENV} from the container's env, else from a
     * ConfigMap it takes its env from, else the app's default ({@value #DEFAULT_ROLES}).
     */
    static Set<String> roles(Kustomize.Build b, Map<String, Object> deployment) {
        Map<String, Object> c = firstContainer(deployment);
        String value = null;
        for (Map<String, Object> from : Yaml.maps(c, "envFrom")) {
            String cm = Yaml.str(from, "configMapRef", "name");
            if (cm != null && b.find("ConfigMap", cm) != null
                    && Yaml.str(b.find("ConfigMap", cm), "data", ROLES_ENV) != null) {
                value = Yaml.str(b.find("ConfigMap", cm), "data", ROLES_ENV);
            }
        }
        for (Map<String, Object> e : Yaml.maps(c, "env")) {
            if (ROLES_ENV.equals(Yaml.str(e, "name"))) {
                value = Objects.toString(Yaml.str(e, "value"), "");
            }
        }
        Set<String> roles = new TreeSet<>();
        for (String r : (value == null ? DEFAULT_ROLES : value).split(",")) {
            if (!r.isBlank()) {
                roles.add(r.strip().toLowerCase());
            }
        }
        return roles;
    }

    static Map<String, String> podLabels(Map<String, Object> deployment) {
        return stringMap(Yaml.map(deployment, "spec", "template", "metadata", "labels"));
    }

    /** the Deployments of the build whose pods a (matchLabels) selector selects */
    static List<Map<String, Object>> selected(Kustomize.Build b, Map<String, Object> selector) {
        return b.ofKind("Deployment").stream().filter(d -> selects(selector, podLabels(d))).toList();
    }

    /** the one Deployment whose pods the selector selects, or null (and a problem) when it selects none or several */
    static Map<String, Object> onlyDeployment(String w, Kustomize.Build b, Map<String, Object> selector,
                                              List<String> problems) {
        List<Map<String, Object>> ds = selected(b, selector);
        if (ds.size() != 1) {
            problems.add(w + " selects " + selector + ": the pods of " + ds.stream().map(Yaml::name).toList()
                    + ", want those of exactly one Deployment");
            return null;
        }
        return ds.get(0);
    }

    /** whether some set of labels satisfies both matchLabels selectors: no key they share has two values */
    static boolean overlap(Map<String, Object> a, Map<String, Object> b) {
        Map<String, String> x = stringMap(a);
        Map<String, String> y = stringMap(b);
        return x.keySet().stream().filter(y::containsKey).allMatch(k -> x.get(k).equals(y.get(k)));
    }

    /** the (kind, name) pairs of ConfigMaps and Secrets an object's pod template refers to */
    static List<String[]> references(Map<String, Object> o) {
        List<String[]> refs = new ArrayList<>();
        for (Map<String, Object> c : Kustomize.containers(o)) {
            for (Map<String, Object> from : Yaml.maps(c, "envFrom")) {
                if (Yaml.str(from, "configMapRef", "name") != null) {
                    refs.add(new String[]{"ConfigMap", Yaml.str(from, "configMapRef", "name")});
                }
                if (Yaml.str(from, "secretRef", "name") != null) {
                    refs.add(new String[]{"Secret", Yaml.str(from, "secretRef", "name")});
                }
            }
            for (Map<String, Object> e : Yaml.maps(c, "env")) {
                if (Yaml.str(e, "valueFrom", "configMapKeyRef", "name") != null) {
                    refs.add(new String[]{"ConfigMap", Yaml.str(e, "valueFrom", "configMapKeyRef", "name")});
                }
                if (Yaml.str(e, "valueFrom", "secretKeyRef", "name") != null) {
                    refs.add(new String[]{"Secret", Yaml.str(e, "valueFrom", "secretKeyRef", "name")});
                }
            }
        }
        for (Map<String, Object> v : Yaml.maps(o, "spec", "template", "spec", "volumes")) {
            if (Yaml.str(v, "configMap", "name") != null) {
                refs.add(new String[]{"ConfigMap", Yaml.str(v, "configMap", "name")});
            }
            if (Yaml.str(v, "secret", "secretName") != null) {
                refs.add(new String[]{"Secret", Yaml.str(v, "secret", "secretName")});
            }
        }
        return refs;
    }

    /** the required settings missing from an environment (blank counts as missing only for the names) */
    static List<String> missingEnv(Map<String, String> env) {
        List<String> missing = new ArrayList<>();
        for (String name : REQUIRED_ENV) {
            if (!env.containsKey(name)) {
                missing.add(name);
            }
        }
        for (String provider : env.getOrDefault("CALLAUTH_PROVIDERS_CHAIN", "").split(",")) {
            String p = provider.strip().toLowerCase();
            if (p.isEmpty()) {
                continue;
            }
            List<String> settings = PROVIDER_ENV.get(p);
            if (settings == null) {
                missing.add("provider " + p + " (CALLAUTH_PROVIDERS_CHAIN names a provider this test does not know)");
                continue;
            }
            for (String s : settings) {
                String name = "CALLAUTH_PROVIDERS_" + p.toUpperCase() + "_" + s;
                if (!env.containsKey(name)) {
                    missing.add(name + " (provider " + p + " is in the chain)");
                }
            }
        }
        return missing;
    }

    /** pod security setting: the container's, else the pod's */
    static Object effective(Map<String, Object> pod, Map<String, Object> container, String key) {
        return container.containsKey(key) ? container.get(key) : pod.get(key);
    }

    /** a container port by number or by name, or null when the container has no such port */
    static Integer containerPort(Map<String, Object> container, Object port) {
        for (Map<String, Object> p : Yaml.maps(container, "ports")) {
            Object n = p.get("containerPort");
            if (port instanceof Number num && n instanceof Number cn && num.intValue() == cn.intValue()) {
                return cn.intValue();
            }
            if (port != null && port.toString().equals(Yaml.str(p, "name")) && n instanceof Number cn) {
                return cn.intValue();
            }
        }
        return null;
    }

    /** the container port a Service port (by name or number) of the build ends on */
    static Integer servicePortTarget(Kustomize.Build b, String service, Object port) {
        Map<String, Object> svc = service == null ? null : b.find("Service", service);
        if (svc == null || port == null) {
            return null;
        }
        for (Map<String, Object> p : Yaml.maps(svc, "spec", "ports")) {
            boolean match = port.toString().equals(Yaml.str(p, "name")) || port.toString().equals(Yaml.str(p, "port"));
            if (match) {
                Object target = p.containsKey("targetPort") ? p.get("targetPort") : p.get("port");
                for (Map<String, Object> d : b.ofKind("Deployment")) {
                    if (selects(Yaml.map(svc, "spec", "selector"),
                            stringMap(Yaml.map(d, "spec", "template", "metadata", "labels")))) {
                        return containerPort(firstContainer(d), target);
                    }
                }
            }
        }
        return null;
    }

    static Map<String, Object> firstContainer(Map<String, Object> deployment) {
        List<Map<String, Object>> cs = Yaml.maps(deployment, "spec", "template", "spec", "containers");
        return cs.isEmpty() ? Map.of() : cs.get(0);
    }

    /** a non-empty label selector whose every pair the labels carry */
    static boolean selects(Map<String, Object> selector, Map<String, String> labels) {
        Map<String, String> sel = stringMap(selector);
        return !sel.isEmpty() && labels.entrySet().containsAll(sel.entrySet());
    }

    static Map<String, String> stringMap(Map<String, Object> m) {
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, Objects.toString(v, "")));
        return out;
    }

    static Integer dockerfileUser() {
        try {
            Integer user = null;
            for (String line : Files.readAllLines(DOCKERFILE)) {
                Matcher m = Pattern.compile("^\\s*USER\\s+(\\S+)").matcher(line);
                if (m.find()) {
                    String u = m.group(1).split(":")[0];
                    user = u.matches("\\d+") ? Integer.valueOf(u) : null;
                }
            }
            return user;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Kustomize.Build> builds() {
        List<Kustomize.Build> out = new ArrayList<>();
        out.add(Kustomize.build(BASE));
        overlays().forEach(o -> out.add(Kustomize.build(o)));
        return out;
    }

    static List<Path> overlays() {
        try (Stream<Path> s = Files.list(K8S.resolve("overlays"))) {
            return s.filter(p -> Kustomize.kustomizationFile(p) != null).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    static List<Path> kustomizationDirs() throws IOException {
        try (Stream<Path> s = Files.walk(K8S)) {
            return s.filter(Files::isDirectory).filter(p -> Kustomize.kustomizationFile(p) != null).sorted().toList();
        }
    }

    static List<Path> yamlFiles() throws IOException {
        try (Stream<Path> s = Files.walk(K8S)) {
            return s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".yaml")
                    || p.toString().endsWith(".yml")).map(Path::normalize).sorted().toList();
        }
    }

    /** whether a .gitignore in the file's folder or above (up to the repository root) names it */
    static boolean gitIgnored(Path file) {
        for (Path dir = file.getParent(); dir != null && dir.startsWith(ROOT); dir = dir.getParent()) {
            Path gi = dir.resolve(".gitignore");
            if (!Files.isRegularFile(gi)) {
                continue;
            }
            try {
                String relative = dir.relativize(file).toString();
                for (String raw : Files.readAllLines(gi)) {
                    String line = raw.strip();
                    if (line.isEmpty() || line.startsWith("#") || line.startsWith("!")) {
                        continue;
                    }
                    String pattern = line.startsWith("/") ? line.substring(1) : line;
                    String subject = pattern.contains("/") ? relative : file.getFileName().toString();
                    if (FileSystems.getDefault().getPathMatcher("glob:" + pattern).matches(Path.of(subject))) {
                        return true;
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return false;
    }

    static String sha256(String s) throws NoSuchAlgorithmException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest);
    }

    static String rel(Path p) {
        return ROOT.relativize(p.toAbsolutePath().normalize()).toString();
    }

    static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("k8s"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the repository root (pom.xml and k8s/) above "
                + Path.of("").toAbsolutePath());
    }
}
