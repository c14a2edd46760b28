// Owns rendering a connector's config form with RJSF: the validator that accepts Airbyte's own keywords, errors
// shown under their field as alerts, and the masked text area for multiline secrets (PEM keys keep their newlines,
// which a password input would strip).
import type { Ref } from 'react';
import Form from '@rjsf/core';
import { ariaDescribedByIds, errorId, type FieldErrorProps, type RJSFValidationError, type WidgetProps } from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import type { JsonSchema, UiSchema } from './spec-form';

// Airbyte specs carry keywords ajv does not know (airbyte_secret, order, airbyte_hidden, group, always_show,
// multiline…): strict mode off lets them through as annotations instead of failing the whole schema.
const validator = customizeValidator({ ajvOptionsOverrides: { strict: false } });

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
      focusOnFirstError
      disabled={disabled}
      transformErrors={friendlyErrors}
      templates={{ FieldErrorTemplate: FieldErrors }}
      widgets={{ secretTextarea: SecretTextarea }}
    >
      <></>
    </Form>
  );
}

function friendlyErrors(errors: RJSFValidationError[]): RJSFValidationError[] {
  return errors.map((error) => (error.name === 'required' ? { ...error, message: 'Required' } : error));
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
