package io.callauth.provider.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.arc.profile.UnlessBuildProfile;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.ArrayList;
import java.util.List;

/**
 * The simulated phone's incoming calls: a page for people, JSON for scripts. Dev and test builds only, and never in
 * the OpenAPI document. (Its reset of the rate limits, {@code DELETE /sandbox/limits}, is ratelimit's LimitsReset.)
 */
@Path("/sandbox")
@UnlessBuildProfile("prod")
public class SandboxResource {

    private final ReactiveRedisDataSource redis;
    private final ObjectMapper json;

    public SandboxResource(ReactiveRedisDataSource redis, ObjectMapper json) {
        this.redis = redis;
        this.json = json;
    }

    @GET
    @Path("/calls")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(hidden = true)
    public Uni<List<JsonNode>> calls(@QueryParam("phone") String phone) {
        return redis.execute("LRANGE", SandboxProvider.CALLS, "0", "-1").map(r -> {
            List<JsonNode> out = new ArrayList<>();
            if (r == null) {
                return out;
            }
            for (Response e : r) {
                try {
                    JsonNode n = json.readTree(e.toString());
                    if (phone == null || matches(n.path("to").asText(), phone)) {
                        out.add(n);
                    }
                } catch (Exception ignored) {
                    // skip unreadable entries
                }
            }
            return out;
        });
    }

    private static boolean matches(String e164, String asked) {
        String digits = asked.replaceAll("[^0-9]", "");
        return !digits.isEmpty() && e164.replaceAll("[^0-9]", "").endsWith(digits);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public String page() {
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>callauth sandbox phone</title>
                <style>
                 body{font-family:system-ui,sans-serif;margin:2rem;max-width:56rem;color:#1d2330}
                 h1{font-size:1.4rem} table{border-collapse:collapse;width:100%}
                 th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid #e3e6ec}
                 td.from{font-family:ui-monospace,monospace} td.from b{background:#fff3b0;padding:0 .15rem}
                 .muted{color:#6b7280}
                </style></head>
                <body>
                <h1>Sandbox phone: incoming calls</h1>
                <p class="muted">Every call the <code>sandbox</code> provider places shows up here. The code is the
                highlighted last digits of the calling number. JSON: <code>/sandbox/calls?phone=...</code></p>
                <table><thead><tr><th>time</th><th>to</th><th>calling number</th><th>channel</th><th>verification</th></tr></thead>
                <tbody id="calls"><tr><td colspan="5" class="muted">no calls yet</td></tr></tbody></table>
                <script>
                async function load(){
                  const r = await fetch('/sandbox/calls'); const calls = await r.json();
                  const tb = document.getElementById('calls'); tb.innerHTML='';
                  if(!calls.length){tb.innerHTML='<tr><td colspan="5" class="muted">no calls yet</td></tr>';return;}
                  for(const c of calls){
                    const tr=document.createElement('tr');
                    const head=c.from.slice(0,c.from.length-c.code.length);
                    const cells=[c.at,c.to,null,c.channel,c.verificationId];
                    cells.forEach((v,i)=>{const td=document.createElement('td');
                      if(i===2){td.className='from';td.append(head);const b=document.createElement('b');b.textContent=c.code;td.append(b);}
                      else td.textContent=v; tr.append(td);});
                    tb.append(tr);
                  }
                }
                load(); setInterval(load, 2000);
                </script>
                </body></html>
                """;
    }
}
