import type { SchemaField } from "../_lib/schemaFields.ts";

/** The job's parameters as its JSON Schema declares them. */
export function ParamsTable({ fields }: { readonly fields: readonly SchemaField[] }) {
  if (fields.length === 0) return <p className="muted">This job takes no parameters.</p>;
  return (
    <table className="table">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Type</th>
          <th scope="col">Required</th>
          <th scope="col">Description</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((field) => (
          <tr key={field.name}>
            <th scope="row">
              <code>{field.name}</code>
            </th>
            <td>
              <code>{field.type}</code>
              {field.minimum !== null || field.maximum !== null ? (
                <span className="muted small"> {rangeText(field)}</span>
              ) : null}
            </td>
            <td>{field.required ? "yes" : "no"}</td>
            <td>
              {field.description ?? <span className="muted">—</span>}
              {field.defaultValue !== undefined ? (
                <span className="muted small block">
                  Default: {JSON.stringify(field.defaultValue)}
                </span>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function rangeText({ minimum, maximum }: SchemaField): string {
  if (minimum !== null && maximum !== null) return `${minimum}–${maximum}`;
  return minimum !== null ? `≥ ${minimum}` : `≤ ${maximum}`;
}
