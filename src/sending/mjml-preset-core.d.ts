// mjml-preset-core ships no type declarations: the standard MJML components and which may nest in
// which, handed to mjml-core as a preset (its `presets` option).
declare module 'mjml-preset-core' {
  export interface MjmlPreset {
    readonly components: readonly unknown[];
    readonly dependencies: Readonly<Record<string, readonly string[]>>;
  }
  const preset: MjmlPreset;
  export default preset;
}
