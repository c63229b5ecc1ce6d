package io.callauth.console;

import io.callauth.calls.CallView;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * a call and the provider's record of it as key/value pairs, and the console's recording route: null when the
 * provider keeps no recording of the call (the page then shows no player)
 */
public record CallRow(CallView call, List<Map.Entry<String, String>> record, String recording) {
    static CallRow of(CallView c, boolean recordingKept) {
        List<Map.Entry<String, String>> rec = new ArrayList<>();
        if (c.record() != null) {
            c.record().forEach(e -> rec.add(Map.entry(e.getKey(), String.valueOf(e.getValue()))));
        }
        return new CallRow(c, rec, recordingKept ? "/console/calls/" + Links.enc(c.callRef()) + "/recording" : null);
    }
}
