/**
 * What the program knows of the IIS 6 metabase schema: enough to type the properties it reads or writes, to
 * know which ones inherit, and to lay MetaBase.xml out as IIS does. Any other property is kept as it came.
 */
export type DataType = 'STRING' | 'EXPANDSZ' | 'DWORD' | 'MULTISZ' | 'BINARY';

export interface PropertySchema {
  readonly name: string;
  readonly id: number;
  readonly dataType: DataType;
  readonly inherit: boolean;
}

const KNOWN: readonly PropertySchema[] = [
  { name: 'ServerComment', id: 1015, dataType: 'STRING', inherit: false },
  { name: 'ServerBindings', id: 1023, dataType: 'MULTISZ', inherit: false },
  { name: 'FilterLoadOrder', id: 2040, dataType: 'STRING', inherit: false },
  { name: 'FilterPath', id: 2041, dataType: 'STRING', inherit: false },
  { name: 'FilterDescription', id: 2045, dataType: 'STRING', inherit: false },
  { name: 'AppFriendlyName', id: 2102, dataType: 'STRING', inherit: true },
  { name: 'AppRoot', id: 2103, dataType: 'STRING', inherit: true },
  { name: 'AppIsolated', id: 2104, dataType: 'DWORD', inherit: true },
  { name: 'ApplicationDependencies', id: 2164, dataType: 'MULTISZ', inherit: false },
  { name: 'WebSvcExtRestrictionList', id: 2168, dataType: 'MULTISZ', inherit: false },
  { name: 'Path', id: 3001, dataType: 'STRING', inherit: false },
  { name: 'DefaultDoc', id: 6006, dataType: 'STRING', inherit: true },
  { name: 'ScriptMaps', id: 6014, dataType: 'MULTISZ', inherit: true },
  { name: 'AccessFlags', id: 6016, dataType: 'DWORD', inherit: true },
  { name: 'AppPoolId', id: 9101, dataType: 'STRING', inherit: true },
  { name: 'IIs5IsolationModeEnabled', id: 9203, dataType: 'DWORD', inherit: false },
];

const BY_NAME = new Map(KNOWN.map((schema) => [schema.name.toLowerCase(), schema]));

export function schemaOf(name: string): PropertySchema | undefined {
  return BY_NAME.get(name.toLowerCase());
}
