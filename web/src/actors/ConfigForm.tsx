// Owns rendering a connector's config form with RJSF: the validator that accepts Airbyte's own keywords, errors
// shown under their field as alerts, and the masked text area for multiline secrets (PEM keys keep their newlines,
// which a password input would strip).
import type { Ref } from 'react';
import Form from '@rjsf/core';
import {
  ariaDescribedByIds, errorId, getTemplate, getUiOptions, toPath,
  type FieldErrorProps, type FieldTemplateProps, type IconButtonProps, type MultiSchemaFieldTemplateProps, type RJSFValidationError, type WidgetProps,
} from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import type { JsonSchema, UiSchema } from './spec-form';

// Airbyte specs carry keywords ajv does not know (airbyte_secret, order, airbyte_hidden, group, always_show,
// multiline…): strict mode off lets them through as annotations instead of failing the whole schema.
// `format: "path"` (a local path, used by built-in connectors) is a format of ours: any string is one.
const validator = customizeValidator({ ajvOptionsOverrides: { strict: false }, customFormats: { path: () => true } });

export type ConfigFormHandle = Form<Record<string, unknown>>;

interface ConfigFormProps {
  schema: JsonSchema;
  uiSchema: UiSchema;
  formData: Record<string, unknown>;
  /** `fieldId` is set when the user changed a field (not when the form filled in defaults). */
  onChange: (formData: Record<string, unknown>, fieldId?: string) => void;
  /** Validate as the user types: set once a save or a test was refused. */
  liveValidate: boolean;
  disabled?: boolean;
  formRef: Ref<ConfigFormHandle>;
}

export function ConfigForm({ schema, uiSchema, formData, onChange, liveValidate, disabled, formRef }: ConfigFormProps) {
  return (
    <Form<Record<string, unknown>>
      ref={formRef}
      // Rendered inside the page's own <form>, which owns submitting.
      tagName="div"
      className="config-form"
      schema={schema}
      uiSchema={uiSchema}
      formData={formData}
      validator={validator}
      onChange={(event, fieldId) => onChange(event.formData ?? {}, fieldId)}
      liveValidate={liveValidate ? 'onChange' : false}
      showErrorList={false}
      noHtml5Validate
      focusOnFirstError={focusField}
      // The errors are shown at their fields; without a handler RJSF also logs them to the console.
      onError={() => undefined}
      disabled={disabled}
      transformErrors={friendlyErrors}
      templates={{ FieldTemplate: Field, FieldErrorTemplate: FieldErrors, MultiSchemaFieldTemplate: VariantChoice, ButtonTemplates: BUTTONS }}
      widgets={{ secretTextarea: SecretTextarea }}
    >
      <></>
    </Form>
  );
}

// RJSF's own focusing reads form.elements, which the <div> it renders in (tagName) does not have.
function focusField(error: RJSFValidationError): void {
  const id = ['root', ...toPath(error.property ?? '').filter((key) => key !== '')].join('_');
  const field = document.getElementById(id) ?? document.querySelector<HTMLElement>(`[id^="${id}"]`);
  field?.focus();
}

// Ajv's messages ("must be >= 0") read like code: the common ones are said in words; the rest keep Ajv's.
function friendlyErrors(errors: RJSFValidationError[]): RJSFValidationError[] {
  return withoutVagueVariantErrors(errors).map((error) => {
    const message = friendlyMessage(error);
    return message === undefined ? error : { ...error, message, stack: `${error.property ?? ''} ${message}`.trim() };
  });
}

// A oneOf/anyOf group that does not validate gets an error of its own besides those of its fields at fault: shown
// over the whole group it adds nothing, and marks its valid fields too. It stays when no field says more.
function withoutVagueVariantErrors(errors: RJSFValidationError[]): RJSFValidationError[] {
  const isVariantError = (error: RJSFValidationError) => error.name === 'oneOf' || error.name === 'anyOf';
  const inside = (error: RJSFValidationError, group: string) => (error.property ?? '').startsWith(`${group}.`);
  return errors.filter((error) => !isVariantError(error) || !errors.some((other) => !isVariantError(other) && inside(other, error.property ?? '')));
}

function friendlyMessage({ name, params }: RJSFValidationError): string | undefined {
  const limit: unknown = params?.limit;
  switch (name) {
    case 'required': return 'Required';
    case 'oneOf': case 'anyOf': return 'Does not fit the chosen option: see its fields';
    case 'type': return params?.type === 'integer' ? 'Must be a whole number' : params?.type === 'number' ? 'Must be a number' : undefined;
    case 'minimum': return `Must be at least ${limit}`;
    case 'maximum': return `Must be at most ${limit}`;
    case 'exclusiveMinimum': return `Must be more than ${limit}`;
    case 'exclusiveMaximum': return `Must be less than ${limit}`;
    case 'minLength': return limit === 1 ? 'Must not be empty' : `Must be at least ${limit} characters long`;
    case 'maxLength': return `Must be at most ${limit} characters long`;
    case 'enum': return 'Must be one of the listed values';
    case 'pattern': return `Must match the pattern ${params?.pattern}`;
    default: return undefined;
  }
}

// RJSF's field layout, with the required mark drawn by CSS so that the label of "Host" reads "Host", not "Host*".
function Field(props: FieldTemplateProps) {
  const { id, label, children, errors, help, description, hidden, required, displayLabel, registry, uiSchema, fieldPathId } = props;
  const uiOptions = getUiOptions(uiSchema);
  const WrapIfAdditionalTemplate = getTemplate('WrapIfAdditionalTemplate', registry, uiOptions);
  if (hidden) return <div className="hidden">{children}</div>;
  // An array's item: RJSF labels it "Tags-1", required; inside the array's group "Item 1" says it, and it may be empty.
  const index = fieldPathId.path[fieldPathId.path.length - 1];
  const item = typeof index === 'number';
  return (
    <WrapIfAdditionalTemplate {...props}>
      {displayLabel && uiOptions.widget !== 'checkbox' && label && (
        <label htmlFor={id} className={required && !item ? 'required' : undefined}>{item ? `Item ${index + 1}` : label}</label>
      )}
      {displayLabel && description ? description : null}
      {children}
      {errors}
      {help}
    </WrapIfAdditionalTemplate>
  );
}

function FieldErrors({ errors = [], fieldPathId }: FieldErrorProps) {
  const shown = errors.filter((error) => !!error);
  if (shown.length === 0) return null;
  return (
    <div id={errorId(fieldPathId)} role="alert" className="field-error">
      {shown.map((error, index) => <p key={index}>{error}</p>)}
    </div>
  );
}

function SecretTextarea({ id, htmlName, value, placeholder, required, disabled, readonly, onChange, onBlur, onFocus, options }: WidgetProps) {
  return (
    <textarea
      id={id}
      name={htmlName || id}
      className="secret-text"
      value={typeof value === 'string' ? value : ''}
      placeholder={placeholder}
      required={required}
      disabled={disabled}
      readOnly={readonly}
      rows={4}
      spellCheck={false}
      autoComplete="off"
      onChange={(event) => onChange(event.target.value === '' ? options.emptyValue : event.target.value)}
      onBlur={(event) => onBlur(id, event.target.value)}
      onFocus={(event) => onFocus(id, event.target.value)}
      aria-describedby={ariaDescribedByIds(id)}
    />
  );
}

// The selector of a oneOf/anyOf group, labelled by the group's title (the default template leaves it unlabelled).
function VariantChoice({ schema, uiSchema, selector, optionSchemaField }: MultiSchemaFieldTemplateProps) {
  return (
    <div className="variant-group">
      {selector && (
        <label className="variant-choice">
          {getUiOptions(uiSchema).title ?? schema.title ?? 'Variant'}
          {selector}
        </label>
      )}
      {optionSchemaField}
    </div>
  );
}

// Array and additional-property buttons with words: the default ones draw Bootstrap icons this page does not have.
function textButton(label: string) {
  return function TextButton({ iconType: _iconType, icon: _icon, className: _className, uiSchema: _uiSchema, registry: _registry, ...button }: IconButtonProps) {
    return <button type="button" className="small-button" {...button}>{label}</button>;
  };
}

const BUTTONS = {
  AddButton: textButton('Add item'),
  RemoveButton: textButton('Remove'),
  MoveUpButton: textButton('Move up'),
  MoveDownButton: textButton('Move down'),
  CopyButton: textButton('Copy'),
};
