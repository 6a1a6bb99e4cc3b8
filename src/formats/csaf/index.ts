// CSAF 2.0 documents (advisories and the VEX profile): validation by the JSON schema and the
// specification's mandatory tests (section 6.1), and the product tree's definitions. Pure.
export {
  type CsafProblem,
  MANDATORY_TESTS,
  type MandatoryTest,
  MAX_CSAF_BYTES,
  mandatoryTestProblems,
  type ProductDefinition,
  productDefinitions,
  readCsaf,
} from './validate.ts';
