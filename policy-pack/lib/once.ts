/**
 * `compute` once per key, held weakly. The pack's views of a stack (its index,
 * the replication configurations, a role's or a bucket's documents) are computed
 * by whichever policy asks first and shared, read-only, by the others; keyed on
 * the index or one of its entries, nothing outlives an evaluation.
 */
export function oncePer<K extends object, V>(compute: (key: K) => V): (key: K) => V {
    const found = new WeakMap<K, V>();
    return (key) => {
        let value = found.get(key);
        if (value === undefined) {
            value = compute(key);
            found.set(key, value);
        }
        return value;
    };
}
