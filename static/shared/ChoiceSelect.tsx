import Select from '@atlaskit/select';

/**
 * A choice among a few values, drawn by the design system's Select (never the browser's native
 * select): labelled by the `<label htmlFor={inputId}>` beside it, '' for "nothing chosen".
 */
export interface Choice<V extends string> {
  value: V;
  label: string;
}

export function ChoiceSelect<V extends string>(props: {
  inputId: string;
  value: V | '';
  options: ReadonlyArray<Choice<V>>;
  onChange: (value: V) => void;
  onBlur?: () => void;
  placeholder?: string;
  isInvalid?: boolean;
  /** The id of the text that describes the choice (help, error). */
  describedBy?: string | undefined;
  testId?: string;
  isDisabled?: boolean;
  isCompact?: boolean;
}) {
  return (
    <div data-testid={props.testId}>
      <Select<Choice<V>>
        inputId={props.inputId}
        options={props.options}
        value={props.options.find((o) => o.value === props.value) ?? null}
        onChange={(option) => option && props.onChange(option.value)}
        {...(props.onBlur ? { onBlur: props.onBlur } : {})}
        placeholder={props.placeholder ?? 'Choose…'}
        isSearchable={false}
        isInvalid={Boolean(props.isInvalid)}
        isDisabled={Boolean(props.isDisabled)}
        spacing={props.isCompact ? 'compact' : 'default'}
        {...(props.describedBy ? { descriptionId: props.describedBy } : {})}
      />
    </div>
  );
}
