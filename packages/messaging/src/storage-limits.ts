/**
 * The storage seam: what the write path still shapes for FerretDB, our development database, and
 * why. The writes themselves rely on MongoDB's guarantees alone (a single-document update is
 * atomic; a version-guarded conditional update decides a race), which our FerretDB build honours
 * since scripts/ferretdb.patch made its updates atomic; the per-process document lock and the
 * `_id`-only reads that worked around it are gone. What is left are sizes, cheap on MongoDB:
 */

/**
 * Statements per write command (a bulkWrite). FerretDB 1.24 unpatched never answered a command
 * of ~100 statements and left its database locked (docs/decisions.md, "FerretDB stalls on large
 * update batches"); our build does not, but MONGO_URL may point at a stock FerretDB.
 */
export const STATEMENTS_PER_WRITE = 50;

/**
 * Ids in one `_id: {$in}` filter. Our FerretDB build finds up to 1 000 through the `_id` index
 * and scans the collection for more; MongoDB has no such bound.
 */
export const IDS_PER_LOOKUP = 500;
