/**
 * The stand-in's "AWS": every resource the stand-in aws provider created, as one JSON file
 * each under a directory the tests choose (STANDIN_AWS_CLOUD_DIR). The engine keeps its own
 * state in the backend; this is the other side of it, so a test can change a resource here,
 * behind the engine's back, and see `pulumi preview --refresh` notice (drift), or see that a
 * resource the engine forgot (retainOnDelete) is still "in AWS".
 *
 * Several provider processes share it (the engine starts one per provider resource, e.g. one
 * per region): each record is its own file, written by rename, so no write is ever half seen.
 */
import * as fs from "fs";
import * as path from "path";

export const CLOUD_DIR_VARIABLE = "STANDIN_AWS_CLOUD_DIR";

export interface CloudRecord {
    type: string;
    id: string;
    accountId: string;
    region: string;
    /** The inputs the resource was last created or updated with. */
    inputs: Record<string, unknown>;
    /** What a read returns: the inputs and the values "AWS" computed (ARNs, IDs). */
    outputs: Record<string, unknown>;
}

/**
 * S3 bucket names are one namespace across all accounts and regions, and every bucket
 * setting is identified by its bucket's name
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html); everything
 * else the program creates is named within its account.
 */
function scopeOf(type: string, accountId: string): string {
    return type.startsWith("aws:s3/") ? "s3" : accountId;
}

export class StandInCloud {
    constructor(readonly dir: string) {}

    static fromEnvironment(env: NodeJS.ProcessEnv = process.env): StandInCloud {
        const dir = env[CLOUD_DIR_VARIABLE];
        if (!dir) throw new Error(`the stand-in aws provider keeps its resources in a directory named by ${CLOUD_DIR_VARIABLE}, which is not set`);
        return new StandInCloud(dir);
    }

    private file(type: string, id: string, accountId: string): string {
        return path.join(this.dir, encodeURIComponent(scopeOf(type, accountId)), encodeURIComponent(type), `${encodeURIComponent(id)}.json`);
    }

    get(type: string, id: string, accountId: string): CloudRecord | undefined {
        try {
            return JSON.parse(fs.readFileSync(this.file(type, id, accountId), "utf8")) as CloudRecord;
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
            throw err;
        }
    }

    put(record: CloudRecord): void {
        const file = this.file(record.type, record.id, record.accountId);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const temporary = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, JSON.stringify(record, null, 2));
        fs.renameSync(temporary, file);
    }

    delete(type: string, id: string, accountId: string): boolean {
        try {
            fs.unlinkSync(this.file(type, id, accountId));
            return true;
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
            throw err;
        }
    }

    /** Every record, optionally of one type. */
    list(type?: string): CloudRecord[] {
        if (!fs.existsSync(this.dir)) return [];
        return fs
            .readdirSync(this.dir)
            .flatMap((scope) => fs.readdirSync(path.join(this.dir, scope)).map((t) => path.join(this.dir, scope, t)))
            .filter((dir) => type === undefined || decodeURIComponent(path.basename(dir)) === type)
            .flatMap((dir) =>
                fs
                    .readdirSync(dir)
                    .filter((f) => f.endsWith(".json"))
                    .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as CloudRecord),
            );
    }

    /** A change made outside Pulumi (the console, another tool): only the live resource changes. */
    changeBehindTheEnginesBack(type: string, id: string, accountId: string, change: (record: CloudRecord) => void): CloudRecord {
        const record = this.get(type, id, accountId);
        if (!record) throw new Error(`no ${type} ${id} in the stand-in cloud at ${this.dir}`);
        change(record);
        this.put(record);
        return record;
    }
}
