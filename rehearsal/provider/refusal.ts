// Terraform's own messages when a configuration sets an argument the provider schema does not
// declare (here the simulated azurerm provider and `bogus_argument`): the must-show of issue 9.

/** HCL native syntax: "Unsupported argument … An argument named "bogus_argument" is not expected here." */
export const REFUSAL = /An argument named "bogus_argument" is not expected here/;

/** JSON syntax, the form cdktf synthesizes: "Extraneous JSON object property … No argument or block type is named …". */
export const REFUSAL_JSON = /No argument or block type is named "bogus_argument"/;
