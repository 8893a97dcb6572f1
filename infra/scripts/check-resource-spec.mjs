// Checks synthesized CloudFormation templates against the CDK's own database of resource types
// (@aws-cdk/aws-service-spec): unknown resource types, unknown or missing properties (nested ones too), GetAtt of
// attributes a type does not have, and Ref / GetAtt / Condition / DependsOn pointing at nothing.
//
// usage: node scripts/check-resource-spec.mjs TEMPLATE.json [TEMPLATE.json ...]   (exit code 1 when anything is found)
import { readFileSync } from 'node:fs';
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';

const db = loadAwsServiceSpecSync();
const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId',
  'AWS::StackName', 'AWS::URLSuffix',
]);

const isIntrinsic = (value) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::') || keys[0] === 'Condition');
};

function resourceSpec(type) {
  const found = db.lookup('resource', 'cloudFormationType', 'equals', type);
  return found.length > 0 ? found[0] : undefined;
}

// Checks `value` against a property type; returns a list of problems, each a path and a message.
function checkValue(value, type, path) {
  if (value === undefined || isIntrinsic(value)) return [];
  switch (type.type) {
    case 'ref': {
      if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected an object`];
      const definition = db.get('typeDefinition', type.reference.$ref);
      return checkProperties(value, definition.properties, path);
    }
    case 'array':
      if (!Array.isArray(value)) return [`${path}: expected a list`];
      return value.flatMap((element, i) => checkValue(element, type.element, `${path}[${i}]`));
    case 'map':
      if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected a map`];
      return Object.entries(value).flatMap(([key, element]) => checkValue(element, type.element, `${path}.${key}`));
    case 'union': {
      let best;
      for (const candidate of type.types) {
        const problems = checkValue(value, candidate, path);
        if (problems.length === 0) return [];
        if (best === undefined || problems.length < best.length) best = problems;
      }
      return best ?? [];
    }
    default:
      return [];
  }
}

function checkProperties(values, specProperties, path) {
  const problems = [];
  for (const [name, value] of Object.entries(values)) {
    const property = specProperties[name];
    if (property === undefined) problems.push(`${path}: unknown property ${name}`);
    else problems.push(...checkValue(value, property.type, `${path}.${name}`));
  }
  for (const [name, property] of Object.entries(specProperties)) {
    if (property.required && !(name in values)) problems.push(`${path}: missing required property ${name}`);
  }
  return problems;
}

function checkReferences(template, specs) {
  const problems = [];
  const resources = template.Resources ?? {};
  const parameters = template.Parameters ?? {};
  const conditions = template.Conditions ?? {};
  const walk = (value, path) => {
    if (Array.isArray(value)) { value.forEach((v, i) => walk(v, `${path}[${i}]`)); return; }
    if (value === null || typeof value !== 'object') return;
    if (typeof value.Ref === 'string' && !PSEUDO_PARAMETERS.has(value.Ref) && !(value.Ref in resources) && !(value.Ref in parameters)) {
      problems.push(`${path}: Ref to unknown ${value.Ref}`);
    }
    if ('Fn::GetAtt' in value) {
      const target = value['Fn::GetAtt'];
      const [logicalId, attribute] = Array.isArray(target) ? target : String(target).split(/\.(.*)/);
      if (!(logicalId in resources)) problems.push(`${path}: GetAtt of unknown resource ${logicalId}`);
      else if (specs[logicalId] && typeof attribute === 'string' && !(attribute in specs[logicalId].attributes)) {
        problems.push(`${path}: ${resources[logicalId].Type} has no attribute ${attribute}`);
      }
    }
    if ('Fn::If' in value && Array.isArray(value['Fn::If']) && !(value['Fn::If'][0] in conditions)) {
      problems.push(`${path}: Fn::If on unknown condition ${value['Fn::If'][0]}`);
    }
    for (const [key, child] of Object.entries(value)) walk(child, `${path}.${key}`);
  };
  walk(resources, 'Resources');
  walk(template.Outputs ?? {}, 'Outputs');
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Condition !== undefined && !(resource.Condition in conditions)) {
      problems.push(`Resources.${logicalId}: unknown condition ${resource.Condition}`);
    }
    for (const dependency of [resource.DependsOn ?? []].flat()) {
      if (!(dependency in resources)) problems.push(`Resources.${logicalId}: DependsOn unknown ${dependency}`);
    }
  }
  return problems;
}

let total = 0;
for (const file of process.argv.slice(2)) {
  const template = JSON.parse(readFileSync(file, 'utf8'));
  const problems = [];
  const specs = {};
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    if (resource.Type.startsWith('Custom::') || resource.Type === 'AWS::CloudFormation::CustomResource') continue;
    const spec = resourceSpec(resource.Type);
    if (spec === undefined) { problems.push(`Resources.${logicalId}: unknown resource type ${resource.Type}`); continue; }
    specs[logicalId] = spec;
    problems.push(...checkProperties(resource.Properties ?? {}, spec.properties, `Resources.${logicalId}.Properties`));
  }
  problems.push(...checkReferences(template, specs));
  for (const problem of problems) console.log(`${file}: ${problem}`);
  console.log(`${file}: ${Object.keys(template.Resources ?? {}).length} resources, ${problems.length} problems`);
  total += problems.length;
}
process.exit(total === 0 ? 0 : 1);
