// GeneratedClientIT's TypeScript side: what a new user of the typescript-fetch client generated from the published
// OpenAPI document writes. Node 20's own fetch, no other dependency. One command per run, its result as one JSON
// line on stdout (the Java side asserts on it); any failure exits non-zero with the reason on stderr.
//
//   node dist/smoke.js start <phone>              start a verification, then read two 4xx problems' codes
//   node dist/smoke.js attempts <verificationId> <from, ISO-8601>
//                                                 list the attempts of a verification, sending `from` the way the
//                                                 generated Python client does (+0000, no colon)
// Environment: CALLAUTH_URL, CALLAUTH_VERIFY_KEY, CALLAUTH_FRAUD_KEY.

import {
    ClientAppsApi, Configuration, FraudTeamApi, Problem, ProblemFromJSON, ResponseError, VerificationStatus,
} from './client';

declare const process: {
    argv: string[];
    env: Record<string, string | undefined>;
    exitCode?: number;
    stdout: { write(s: string): void };
    stderr: { write(s: string): void };
};

function env(name: string): string {
    const v = process.env[name];
    if (!v) {
        throw new Error(`${name} is not set`);
    }
    return v;
}

function configuration(key: string, middleware: Configuration['middleware'] = []): Configuration {
    // the API key is the bearer token of the bearerAuth scheme
    return new Configuration({ basePath: env('CALLAUTH_URL'), accessToken: key, middleware });
}

/** the problem an error answered, decoded with the generated Problem model */
async function problemOf(call: () => Promise<unknown>): Promise<{ status: number; problem: Problem; contentType: string | null }> {
    try {
        await call();
    } catch (e) {
        if (e instanceof ResponseError) {
            return {
                status: e.response.status,
                problem: ProblemFromJSON(await e.response.json()),
                contentType: e.response.headers.get('content-type'),
            };
        }
        throw e;
    }
    throw new Error('expected an error answer');
}

async function start(phone: string) {
    const api = new ClientAppsApi(configuration(env('CALLAUTH_VERIFY_KEY')));
    const v = await api.startVerification({ startRequest: { phone, context: { appId: 'ts-client', ip: '198.51.100.24' } } });
    const pending: boolean = v.status === VerificationStatus.Pending;
    const notFound = await problemOf(() => api.getVerification({ id: 'vf_00000000000000000000000000000000' }));
    const invalidPhone = await problemOf(() => api.startVerification({ startRequest: { phone: '12345' } }));
    return {
        id: v.id, status: v.status, pending, channel: v.channel, callStatus: v.callStatus, codeLength: v.codeLength,
        createdAt: v.createdAt instanceof Date ? v.createdAt.toISOString() : null,
        notFound: { status: notFound.status, code: notFound.problem.code, contentType: notFound.contentType },
        invalidPhone: { status: invalidPhone.status, code: invalidPhone.problem.code },
    };
}

async function attempts(verificationId: string, from: string) {
    let sentFrom: string | null = null;
    // the generated client writes a Date as toISOString() (…Z); send it as Python's strftime('%z') writes it
    const asPython = {
        async pre(context: { url: string; init: RequestInit }) {
            const url = new URL(context.url);
            const f = url.searchParams.get('from');
            if (f !== null) {
                url.searchParams.set('from', f.replace(/Z$/, '000+0000'));
                sentFrom = url.searchParams.get('from');
            }
            return { url: url.toString(), init: context.init };
        },
    };
    const api = new FraudTeamApi(configuration(env('CALLAUTH_FRAUD_KEY'), [asPython]));
    const page = await api.listAttempts({ from: new Date(from), verificationId, limit: 100 });
    return {
        sentFrom,
        types: page.items.map(a => a.type),
        at: page.items.map(a => (a.at instanceof Date ? a.at.toISOString() : String(a.at))),
        next: page.next ?? null,
    };
}

async function main(): Promise<void> {
    const [command, ...args] = process.argv.slice(2);
    let result: unknown;
    if (command === 'start' && args.length === 1) {
        result = await start(args[0]);
    } else if (command === 'attempts' && args.length === 2) {
        result = await attempts(args[0], args[1]);
    } else {
        throw new Error(`usage: smoke.js start <phone> | attempts <verificationId> <from>; got ${process.argv.slice(2).join(' ')}`);
    }
    process.stdout.write(JSON.stringify(result) + '\n');
}

main().catch(async e => {
    const body = e instanceof ResponseError ? ` (HTTP ${e.response.status}: ${await e.response.text()})` : '';
    process.stderr.write(`smoke.ts failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}${body}\n`);
    process.exitCode = 1;
});
