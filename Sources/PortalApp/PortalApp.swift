// PortalApp
