/** What a stylesheet import is in unit tests: the Custom UI build bundles CSS; jest needs none. */
export default {};
