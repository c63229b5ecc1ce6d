package io.callauth.provider.yunhu;

import io.callauth.provider.CallStatus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Yunhu callbacks to our call statuses, from the document's own examples. */
class YunhuEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Integer> RANG = Set.of(10001, 10002, 10003, 10005, 10016, 10040, 10041);

    /** the call state example of yunhu.seed.md */
    private static final String STATE = """
            {"buuid":"526d643a-e8fe-11ea-a84a-cf6e45e88543","callee":"87847569524","caller":"90240005",
             "companycode":"9024","customuuid":"123Abc","direction":"callout","disnumber":"2190240001",
             "extnumber":"90240005","isbleg":"false","method":"3","starttime":"1598598959","status":"ring",
             "type":"call","uuid":"526d637c-e8fe-11ea-a849-cf6e45e88543"}""";

    /** the call record example of yunhu.seed.md (with the commas its text lacks) */
    private static final String CDR = """
            {"callmethod":3,"starttime":"2018-03-14 12:18:21","answertime":"","endtime":"2018-03-14 12:18:35",
             "duration":14,"billsec":0,"crmid":"2001","hangupdirection":10015,"chengshudu":"0","hangupcause":10001,
             "memberid":"18533700187590656","disnumber":"02566823420","destnumber":"015029913692",
             "downloadip":"120.76.152.137","recordfilename":"","companycode":20000013,"type":"callout","id":982,
             "extnumber":"7003","uuid":"cda5c6c4-0a17-11e8-b177-e7cbf2bd1f36","userkey":1,"customuuid":"customuuid"}""";

    private static JsonNode with(String json, String field, Object value) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode n = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(json);
        n.set(field, JSON.valueToTree(value));
        return n;
    }

    @Test
    void aRingOnTheUsersLegIsDelivered() throws Exception {
        assertThat(YunhuEvents.fromState(JSON.readTree(STATE), false)).as("the extension ringing says nothing").isEmpty();
        assertThat(YunhuEvents.fromState(with(STATE, "isbleg", "true"), false)).hasValueSatisfying(o ->
                assertThat(o.status()).isEqualTo(CallStatus.DELIVERED));
        assertThat(YunhuEvents.fromState(with(STATE, "isbleg", true), false)).as("a JSON boolean too").isPresent();
        assertThat(YunhuEvents.fromState(JSON.readTree(STATE), true)).as("DoubleCall rings the user as A").isPresent();
        assertThat(YunhuEvents.fromState(with(with(STATE, "isbleg", "true").toString(), "status", "hangup"), false)).isEmpty();
    }

    @Test
    void aCallRecordDecidesByAnswertimeThenHangupcause() throws Exception {
        assertThat(YunhuEvents.fromCdr(with(CDR, "answertime", "2018-03-14 12:18:25"), RANG).status())
                .isEqualTo(CallStatus.DELIVERED);
        assertThat(YunhuEvents.fromCdr(JSON.readTree(CDR), RANG).status()).as("rang, hung up normally, unanswered")
                .isEqualTo(CallStatus.DELIVERED);
        YunhuEvents.Outcome busy = YunhuEvents.fromCdr(with(CDR, "hangupcause", 10006), RANG);
        assertThat(busy.status()).isEqualTo(CallStatus.NOT_DELIVERED);
        assertThat(busy.detail()).isEqualTo("hangupcause 10006");
        assertThat(YunhuEvents.fromCdr(with(CDR, "hangupcause", "10009"), RANG).status()).as("as a string too")
                .isEqualTo(CallStatus.NOT_DELIVERED);
        assertThat(YunhuEvents.fromCdr(with(CDR, "hangupcause", "10005"), RANG).status()).isEqualTo(CallStatus.DELIVERED);
        assertThat(YunhuEvents.fromCdr(with(CDR, "hangupcause", null), RANG).detail()).isEqualTo("hangupcause ?");
    }

    @Test
    void directionIsReadAsDocumentedAndAsInTheExamples() throws Exception {
        assertThat(YunhuEvents.outgoing(JSON.readTree(STATE))).isTrue();
        assertThat(YunhuEvents.outgoing(with(STATE, "direction", 2))).isTrue();
        assertThat(YunhuEvents.outgoing(with(STATE, "direction", "2"))).isTrue();
        assertThat(YunhuEvents.outgoing(with(STATE, "direction", 1))).isFalse();
        assertThat(YunhuEvents.outgoing(with(STATE, "direction", "callin"))).isFalse();
        assertThat(YunhuEvents.outgoing(JSON.readTree(CDR))).as("the CDR's type").isTrue();
    }
}
