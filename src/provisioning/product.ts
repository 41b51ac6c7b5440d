/** A product LaunchGate hands users to (configured, not stored: products are part of the deployment). */
export interface Product {
  /** Stable id used in entitlements and licenses, e.g. `studio`. */
  id: string;
  name: string;
  /** Where an allowed launch sends the browser, with `?assertion=<jwt>`. */
  launchUrl: string;
  /** Whether just-in-time provisioning may grant this product; otherwise an admin assigns it. */
  jitEligible: boolean;
}

export const DEFAULT_PRODUCT_ID = 'studio';

export interface ProductCatalog {
  readonly products: readonly Product[];
  readonly defaultProduct: Product;
  get(id: string): Product | undefined;
}

export function productCatalog(products: readonly Product[], defaultId?: string): ProductCatalog {
  if (products.length === 0) throw new Error('at least one product must be configured');
  const byId = new Map(products.map((p) => [p.id, p]));
  const defaultProduct = (defaultId ? byId.get(defaultId) : undefined) ?? products[0]!;
  return { products, defaultProduct, get: (id) => byId.get(id) };
}
