/** A labelled, required multi-line note (a decision's reason, a sign-off, what a spike learned). */
export function NoteField(props: {
  id: string;
  label: string;
  rows: number;
  maxLength: number;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <div>
      <label className="dt-label" htmlFor={props.id}>
        {props.label}
      </label>
      <textarea
        id={props.id}
        className="dt-input"
        rows={props.rows}
        required
        maxLength={props.maxLength}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </div>
  );
}
